'use client';

import { createContext, use, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { LabController } from './lab-controller';
import { INITIAL_LAB_STATE, wasStarted, type LabState, type StorageLike } from './lab-state';

interface LabContextValue {
  /** The controller once loaded (after the first Start/Run, or at once when this tab had the lab open). */
  controller: LabController | null;
  /** Loads the controller (once) and resolves with it. */
  load(): Promise<LabController>;
}

const LabContext = createContext<LabContextValue | null>(null);

function sessionStorageOrUndefined(): StorageLike | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined; // storage disabled: the lab works, it just does not survive a reload
  }
}

/**
 * Gives everything below it (Run buttons in the prose, the Start lab button, the dock) the
 * learner's lab. It ships with every guide page, so it is tiny: the controller (session state
 * machine, polling, Run) loads on the first Start or Run click — or right away when this tab
 * had the lab open before a reload — and the terminals load later still.
 */
export function LabProvider({ children }: { children: ReactNode }) {
  const [controller, setController] = useState<LabController | null>(null);
  const loading = useRef<Promise<LabController> | undefined>(undefined);

  const value = useMemo<LabContextValue>(
    () => ({
      controller,
      load() {
        loading.current ??= import('./lab-controller').then(({ LabController }) => {
          const created = new LabController();
          // Read what this tab had open before anything else changes the state.
          created.attach(sessionStorageOrUndefined());
          setController(created);
          return created;
        });
        return loading.current;
      },
    }),
    [controller],
  );

  // A reload of a tab that had the lab: bring it back without waiting for a click.
  useEffect(() => {
    if (wasStarted(sessionStorageOrUndefined())) void value.load();
  }, [value]);

  useEffect(() => {
    if (!controller) return;
    controller.attach();
    const wake = () => {
      if (document.visibilityState === 'visible') controller.wake();
    };
    window.addEventListener('online', wake);
    window.addEventListener('offline', wake);
    document.addEventListener('visibilitychange', wake);
    return () => {
      window.removeEventListener('online', wake);
      window.removeEventListener('offline', wake);
      document.removeEventListener('visibilitychange', wake);
      controller.detach();
    };
  }, [controller]);

  return (
    <LabContext value={value}>
      {children}
      <LabAnnouncer controller={controller} />
    </LabContext>
  );
}

const detachedSubscribe = () => () => undefined;
const initialSnapshot = () => INITIAL_LAB_STATE;

function useControllerState(controller: LabController | null): LabState {
  return useSyncExternalStore(
    controller ? controller.subscribe : detachedSubscribe,
    controller ? controller.getSnapshot : initialSnapshot,
    initialSnapshot,
  );
}

/** One polite live region for the lab: "Sent to terminal 2", "Lab ended", … */
function LabAnnouncer({ controller }: { controller: LabController | null }) {
  const { announcement } = useControllerState(controller);
  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="lab-announcer">
      {announcement.text ? <span key={announcement.id}>{announcement.text}</span> : null}
    </div>
  );
}

/**
 * The page's lab: `available` is false outside a LabProvider (then Run buttons say so);
 * `load()` gives the controller, loading it first if needed.
 */
export function useLab(): { available: boolean; controller: LabController | null; load(): Promise<LabController> } {
  const context = use(LabContext);
  return useMemo(
    () =>
      context
        ? { available: true, controller: context.controller, load: context.load }
        : { available: false, controller: null, load: () => Promise.reject(new Error('The lab is not available on this page')) },
    [context],
  );
}

/** The loaded controller, or null (not loaded yet, or no provider). */
export function useLabController(): LabController | null {
  return use(LabContext)?.controller ?? null;
}

/** The lab state; the initial state during server rendering, hydration, and until the controller loads. */
export function useLabState(): LabState {
  return useControllerState(use(LabContext)?.controller ?? null);
}
