/** Clipboard API where available; the selection fallback covers plain-HTTP workshop servers. */
export async function writeClipboard(text: string): Promise<void> {
  if (window.isSecureContext && navigator.clipboard) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const active = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  try {
    // Deprecated, but the only way to copy in an insecure context.
    if (!document.execCommand('copy')) throw new Error('copy command was refused');
  } finally {
    area.remove();
    active?.focus();
  }
}
