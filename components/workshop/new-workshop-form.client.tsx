'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { toCreateWorkshop, type NewWorkshopFields, type WorkshopChapterChoice } from './new-workshop';
import { instructorApi } from './workshop-api';

export type { WorkshopChapterChoice } from './new-workshop';

export function NewWorkshopForm({ chapters, onUnauthorized }: { chapters: WorkshopChapterChoice[]; onUnauthorized(): void }) {
  const router = useRouter();
  const [fields, setFields] = useState<NewWorkshopFields>({
    title: '',
    chapters: chapters[0] ? [chapters[0].slug] : [],
    seats: '20',
    durationMinutes: '120',
    memoryMb: '',
    cpus: '',
    egress: false,
  });
  const [error, setError] = useState<{ field?: keyof NewWorkshopFields; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const errorRef = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    if (error) errorRef.current?.focus();
  }, [error]);

  const set = <K extends keyof NewWorkshopFields>(key: K, value: NewWorkshopFields[K]) => setFields((current) => ({ ...current, [key]: value }));
  const toggleChapter = (slug: string, on: boolean) =>
    // Keep the guide's order whatever order they were ticked in.
    set('chapters', chapters.map((c) => c.slug).filter((s) => (s === slug ? on : fields.chapters.includes(s))));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const parsed = toCreateWorkshop(fields);
    if (!parsed.ok) {
      setError({ field: parsed.field, message: parsed.message });
      return;
    }
    setBusy(true);
    setError(null);
    const result = await instructorApi.create(parsed.body);
    if (result.ok) {
      router.push(`/instructor/${result.data.id}`);
      return;
    }
    setBusy(false);
    if (result.status === 401) onUnauthorized();
    else setError({ message: result.message });
  };

  const invalid = (field: keyof NewWorkshopFields) => (error?.field === field ? 'true' : undefined);

  return (
    <form className="workshop-form new-workshop" onSubmit={submit} noValidate aria-labelledby="new-workshop-title">
      <h2 id="new-workshop-title">New workshop</h2>
      <div className="workshop-field">
        <label htmlFor="ws-title">Title</label>
        <input id="ws-title" value={fields.title} maxLength={120} onChange={(e) => set('title', e.target.value)} aria-invalid={invalid('title')} required />
      </div>
      <fieldset className="workshop-chapters" aria-invalid={invalid('chapters')}>
        <legend>Chapters (those with checked steps)</legend>
        <ul>
          {chapters.map((chapter) => (
            <li key={chapter.slug}>
              <label>
                <input type="checkbox" checked={fields.chapters.includes(chapter.slug)} onChange={(e) => toggleChapter(chapter.slug, e.target.checked)} />
                {chapter.chapter !== undefined ? `${chapter.chapter}. ` : ''}
                {chapter.title} <span className="workshop-muted">({chapter.steps === 1 ? '1 step' : `${chapter.steps} steps`})</span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <div className="workshop-field-row">
        <div className="workshop-field">
          <label htmlFor="ws-seats">Seats</label>
          <input id="ws-seats" type="number" inputMode="numeric" min={1} max={500} value={fields.seats} onChange={(e) => set('seats', e.target.value)} aria-invalid={invalid('seats')} />
        </div>
        <div className="workshop-field">
          <label htmlFor="ws-duration">Duration (minutes)</label>
          <input
            id="ws-duration"
            type="number"
            inputMode="numeric"
            min={10}
            max={1440}
            value={fields.durationMinutes}
            onChange={(e) => set('durationMinutes', e.target.value)}
            aria-invalid={invalid('durationMinutes')}
          />
        </div>
        <div className="workshop-field">
          <label htmlFor="ws-memory">Memory per lab (MiB)</label>
          <input
            id="ws-memory"
            type="number"
            inputMode="numeric"
            min={128}
            max={8192}
            placeholder="server default"
            value={fields.memoryMb}
            onChange={(e) => set('memoryMb', e.target.value)}
            aria-invalid={invalid('memoryMb')}
          />
        </div>
        <div className="workshop-field">
          <label htmlFor="ws-cpus">CPUs per lab</label>
          <input
            id="ws-cpus"
            type="number"
            inputMode="decimal"
            min={0.1}
            max={16}
            step={0.1}
            placeholder="server default"
            value={fields.cpus}
            onChange={(e) => set('cpus', e.target.value)}
            aria-invalid={invalid('cpus')}
          />
        </div>
      </div>
      <div className="workshop-check">
        <input id="ws-egress" type="checkbox" checked={fields.egress} onChange={(e) => set('egress', e.target.checked)} aria-describedby="ws-egress-hint" />
        <label htmlFor="ws-egress">Labs may reach the internet</label>
        <p className="workshop-hint" id="ws-egress-hint">
          Only when the lab server allows internet access at all; otherwise labs stay offline.
        </p>
      </div>
      {error ? (
        <p className="workshop-error" role="alert" tabIndex={-1} ref={errorRef} data-testid="create-error">
          {error.message}
        </p>
      ) : null}
      <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy ? 'true' : undefined}>
        {busy ? 'Creating…' : 'Create workshop'}
      </button>
    </form>
  );
}
