'use client';

import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';

export interface ConfirmRequest {
  title: string;
  body: string;
  confirmLabel: string;
}

/**
 * One modal confirm dialog for a whole page (the console has a Reset and a Remove per learner:
 * one shared <dialog> instead of two per row). `ask()` resolves true when confirmed.
 * Native <dialog>: focus is trapped and Esc cancels without any code here.
 */
export function useConfirm(): [ReactNode, (request: ConfirmRequest) => Promise<boolean>] {
  const dialog = useRef<HTMLDialogElement>(null);
  const [pending, setPending] = useState<(ConfirmRequest & { resolve(ok: boolean): void }) | null>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const element = dialog.current;
    if (pending && element && !element.open) {
      element.returnValue = '';
      element.showModal();
    }
  }, [pending]);

  const ask = useCallback(
    (request: ConfirmRequest) =>
      new Promise<boolean>((resolve) => {
        setPending((current) => {
          current?.resolve(false);
          return { ...request, resolve };
        });
      }),
    [],
  );

  const element = (
    <dialog
      ref={dialog}
      className="lab-dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      data-testid="confirm-dialog"
      onClose={() => {
        pending?.resolve(dialog.current?.returnValue === 'confirm');
        setPending(null);
      }}
    >
      <form method="dialog">
        <h2 id={titleId}>{pending?.title}</h2>
        <p id={bodyId}>{pending?.body}</p>
        <div className="lab-dialog-actions">
          <button type="submit" value="cancel" className="lab-button" autoFocus>
            Cancel
          </button>
          <button type="submit" value="confirm" className="lab-button workshop-danger">
            {pending?.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
  return [element, ask];
}
