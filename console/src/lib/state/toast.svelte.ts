/** One short message at a time (command results, saved outcomes), shown by the layout. */
class Toast {
  current = $state.raw<{ text: string; kind: 'ok' | 'bad'; id: number } | null>(null);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #n = 0;

  show(text: string, kind: 'ok' | 'bad' = 'ok', ms = 5000): void {
    clearTimeout(this.#timer);
    this.current = { text, kind, id: ++this.#n };
    this.#timer = setTimeout(() => (this.current = null), ms);
  }
}
export const toast = new Toast();
