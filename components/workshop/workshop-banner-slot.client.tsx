'use client';

import { useEffect, useState, type ComponentType } from 'react';
import type { LearnerBannerProps } from './learner-banner.client';

/**
 * Where the workshop bar goes on guide pages. It ships with every guide page, so it is only
 * this: once the page is idle, one GET asks whether this browser's learner is in a workshop (the
 * lab cookie is HttpOnly, so the page cannot tell by itself); only then does the bar's code load.
 * Readers who are not in a workshop pay one small request and nothing else.
 */
export function WorkshopBannerSlot() {
  const [banner, setBanner] = useState<{ Banner: ComponentType<LearnerBannerProps>; props: LearnerBannerProps } | null>(null);

  useEffect(() => {
    let cancelled = false;
    const check = async () => {
      const response = await fetch('/api/lab/workshop', { credentials: 'same-origin', cache: 'no-store', headers: { accept: 'application/json' } }).catch(
        () => undefined,
      );
      if (!response?.ok || cancelled) return;
      const body: unknown = await response.json().catch(() => undefined);
      if (typeof body !== 'object' || body === null || !(body as { workshop?: unknown }).workshop) return;
      const props: LearnerBannerProps = { initialBody: body, dateHeader: response.headers.get('date'), receivedAt: Date.now() };
      const { LearnerBanner } = await import('./learner-banner.client');
      if (!cancelled) setBanner({ Banner: LearnerBanner, props });
    };
    const run = () => void check();
    // After the page's own work (hydration, first paint): this is never urgent.
    // Safari has no requestIdleCallback: a second's delay does the same job there.
    const idle = typeof window.requestIdleCallback === 'function';
    const handle = idle ? window.requestIdleCallback(run, { timeout: 3000 }) : setTimeout(run, 1000);
    return () => {
      cancelled = true;
      if (idle) window.cancelIdleCallback(handle as number);
      else clearTimeout(handle);
    };
  }, []);

  return banner ? <banner.Banner {...banner.props} /> : null;
}
