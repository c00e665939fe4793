// The one way our dialogs open: as a native modal (focus trapped, Escape fires `cancel`), and, because the
// native dialog restores nothing by itself, focus goes back to the control that opened it when it closes.

/** Svelte attachment for a `<dialog>` that lives while it is mounted: `{@attach modalDialog}`. */
export function modalDialog(dialog: HTMLDialogElement): () => void {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  dialog.showModal();
  return () => {
    if (dialog.open) dialog.close();
    // The opener may be gone (a rebuilt list); then focus stays where the browser puts it.
    if (opener?.isConnected) opener.focus();
  };
}
