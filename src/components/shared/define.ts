/** Registers an element unless the page already has one under that tag (the script may be included twice). */
export function define(tag: string, element: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, element);
}
