import { JoinForm } from './join-form.client';

/** The join page's body, shared by /join and /join/<code>. A server component. */
export function JoinPageBody({ code }: { code?: string }) {
  return (
    <main id="main-content" tabIndex={-1} className="workshop-page workshop-page-narrow">
      <h1>Join a workshop</h1>
      <p className="page-lead">
        Enter the code your instructor gave you and a name. Your own lab starts right away, and your instructor sees the steps you
        finish. No account needed.
      </p>
      <JoinForm initialCode={code} />
    </main>
  );
}
