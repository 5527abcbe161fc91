'use client';

import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import type { Workshop } from '@/lab-server/protocol/workshop';
import { formatClock } from './format';
import { InstructorGate } from './instructor-gate.client';
import { NewWorkshopForm, type WorkshopChapterChoice } from './new-workshop-form.client';
import { instructorApi } from './workshop-api';

/** /instructor: sign in, then the workshops (newest first) and the form for a new one. */
export function InstructorHome({ chapters }: { chapters: WorkshopChapterChoice[] }) {
  return (
    <InstructorGate>
      {(signOut, lostSession) => (
        <>
          <p className="workshop-toolbar">
            <button type="button" className="button" onClick={signOut}>
              Sign out
            </button>
          </p>
          <WorkshopList onUnauthorized={lostSession} />
          <NewWorkshopForm chapters={chapters} onUnauthorized={lostSession} />
        </>
      )}
    </InstructorGate>
  );
}

function WorkshopList({ onUnauthorized }: { onUnauthorized(): void }) {
  const [workshops, setWorkshops] = useState<Workshop[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    void instructorApi.list().then((result) => {
      if (result.ok) setWorkshops([...result.data.workshops].sort((a, b) => b.createdAt - a.createdAt));
      else if (result.status === 401) onUnauthorized();
      else setError(result.message);
    });
  }, [onUnauthorized]);

  useEffect(load, [load]);

  return (
    <section className="workshop-section" aria-labelledby="workshops-title">
      <h2 id="workshops-title">Workshops</h2>
      {error ? (
        <p className="workshop-error" role="alert">
          {error}
        </p>
      ) : workshops === null ? (
        <p className="workshop-muted">Loading…</p>
      ) : workshops.length === 0 ? (
        <p className="workshop-muted">No workshops yet. Create one below.</p>
      ) : (
        <div className="table-scroll">
          <table className="workshop-table" data-testid="workshop-list">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Code</th>
                <th scope="col">State</th>
                <th scope="col">Seats</th>
                <th scope="col">Created</th>
                <th scope="col">Ends</th>
              </tr>
            </thead>
            <tbody>
              {workshops.map((workshop) => (
                <tr key={workshop.id}>
                  <th scope="row">
                    <Link href={`/instructor/${workshop.id}`}>{workshop.title}</Link>
                  </th>
                  <td>
                    <code>{workshop.code}</code>
                  </td>
                  <td>{workshop.state === 'active' ? 'active' : 'ended'}</td>
                  <td>
                    {workshop.seatsTaken} of {workshop.seats}
                  </td>
                  <td>{new Date(workshop.createdAt).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}</td>
                  <td>{formatClock(workshop.endedAt ?? workshop.endsAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
