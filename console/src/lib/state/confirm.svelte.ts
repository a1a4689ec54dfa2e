/** Asks before an action: `await confirm.ask(text)` resolves true when the user confirms. */
class Confirm {
  current = $state.raw<{ text: string; resolve: (ok: boolean) => void } | null>(null);

  ask(text: string): Promise<boolean> {
    this.current?.resolve(false);
    return new Promise((resolve) => (this.current = { text, resolve }));
  }
  answer(ok: boolean): void {
    const c = this.current;
    this.current = null;
    c?.resolve(ok);
  }
}
export const confirm = new Confirm();
