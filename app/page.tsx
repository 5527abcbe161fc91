import Link from 'next/link';
import { firstNavItem } from '@/lib/content/nav';
import { guideHref } from '@/lib/content/routes';
import { site } from '@/lib/site';

export default function HomePage() {
  const first = firstNavItem();
  return (
    <main id="main-content" tabIndex={-1} className="home">
      <section className="home-hero" aria-labelledby="home-title">
        <p className="page-eyebrow">{site.name}</p>
        <h1 id="home-title">The Docker survival guide you can practise in</h1>
        <p className="home-lead">
          Read a short chapter, click <strong>Run</strong> next to a command, and watch it happen in a terminal on the
          same page. Then keep going on your own: you get a real shell in your own locked-down container, where you type
          real <code>docker</code> commands against a real engine — and nothing you break can hurt anyone else.
        </p>
        {first ? (
          <p className="home-actions">
            <Link href={guideHref(first.slug)} className="button button-primary">
              Start with {first.chapter !== undefined ? `chapter ${first.chapter}: ` : ''}
              {first.title}
              <span aria-hidden="true"> →</span>
            </Link>
          </p>
        ) : null}
      </section>

      <section className="home-features" aria-labelledby="how-title">
        <h2 id="how-title">How it works</h2>
        <ol className="feature-grid">
          <li className="feature">
            <h3>Read</h3>
            <p>
              Short chapters, from why containers exist to images, Dockerfiles, data, networking, limits,
              Compose and troubleshooting. Every command is explained next to the output it really prints.
            </p>
          </li>
          <li className="feature">
            <h3>Run</h3>
            <p>
              Commands you are meant to try carry a Run button. It types the command into your lab terminal, so you see
              the real result instead of a screenshot. Copy buttons are there for your own machine.
            </p>
          </li>
          <li className="feature">
            <h3>Practise</h3>
            <p>
              Your workspace is an ordinary Linux shell with the Docker CLI. Pull images, start containers, publish
              ports, break things and start over. Steps check your work and tell you when you got it right.
            </p>
          </li>
        </ol>
      </section>

      <section className="home-instructors" aria-labelledby="instructors-title">
        <h2 id="instructors-title">For instructors</h2>
        <p>
          Run a workshop on one machine: create a session, hand out a join code, and follow the class on a live grid of
          learners and steps. Look over a learner&rsquo;s shoulder in their terminal, broadcast a hint, reset a broken
          workspace or give someone more time. Everything is self-hosted and works without internet access.
        </p>
        <p>
          <Link href="/instructor">Open the instructor console</Link> · Got a code from your instructor?{' '}
          <Link href="/join">Join a workshop</Link>
        </p>
      </section>
    </main>
  );
}
