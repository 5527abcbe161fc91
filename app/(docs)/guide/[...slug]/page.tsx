import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Breadcrumbs } from '@/components/docs/breadcrumbs';
import { Pager } from '@/components/docs/pager';
import { Sidebar } from '@/components/docs/sidebar';
import { Toc } from '@/components/docs/toc';
import { StartLabButton } from '@/components/lab/start-lab-button.client';
import { MdxContent } from '@/components/mdx/mdx-content';
import { mdxComponents } from '@/components/mdx/mdx-components';
import { Step, type StepProps } from '@/components/mdx/step';
import { getGuidePage, getGuideSlugs } from '@/lib/content/guide';

type Props = { params: Promise<{ slug: string[] }> };

/** Every guide page is generated at build time; any other /guide/… path is a 404. */
export const dynamicParams = false;

export async function generateStaticParams(): Promise<{ slug: string[] }[]> {
  return (await getGuideSlugs()).map((slug) => ({ slug }));
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const page = await getGuidePage((await params).slug);
  if (!page) return {};
  return { title: page.frontmatter.title, description: page.frontmatter.description };
}

export default async function GuidePage({ params }: Props) {
  const { slug } = await params;
  const page = await getGuidePage(slug);
  if (!page) notFound();
  const { title, description, chapter } = page.frontmatter;
  const current = slug.join('/');
  const checks = page.frontmatter.checks ?? {};
  // Steps learn their chapter and whether a check (and a solution) exists; the command stays on the server.
  const components = {
    ...mdxComponents,
    Step: (props: StepProps) => <Step {...props} chapter={current} checked={props.id in checks} solution={checks[props.id]?.solution} />,
  };

  return (
    <>
      <Sidebar current={current} />
      <main id="main-content" tabIndex={-1} className="docs-main">
      <Breadcrumbs slug={current} title={title} />
      <article className="prose" data-pagefind-body>
        <header className="page-header">
          {chapter !== undefined ? (
            <p className="page-eyebrow" data-pagefind-ignore="">
              Chapter {chapter}
            </p>
          ) : null}
          <h1>{title}</h1>
          <p className="page-lead">{description}</p>
          <p className="page-lab" data-pagefind-ignore="">
            <StartLabButton />
          </p>
        </header>
        <MdxContent code={page.code} components={components} />
      </article>
      <Pager slug={slug.join('/')} />
      </main>
      <Toc headings={page.headings} />
    </>
  );
}
