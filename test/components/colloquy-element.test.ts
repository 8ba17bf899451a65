import { expect, fixture, html as fixtureHtml } from '@open-wc/testing';
import { html } from 'lit/html.js';
import { css } from '../../src/components/shared/css.js';
import { ColloquyElement, type PropertyDeclaration, type PropertyValues } from '../../src/components/shared/colloquy-element.js';
import './helpers.js';

let n = 0;
/** A fresh element class under a fresh tag for each test. */
function defineProbe() {
  const tag = `colloquy-probe-${n++}`;
  class Probe extends ColloquyElement {
    static override styles = [css`:host { display: block; color: rgb(1, 2, 3); }`];
    static override properties = {
      label: {},
      size: { type: Number, attribute: 'size-px' },
      open: { type: Boolean },
      doubled: { state: true },
    };
    label = 'default';
    size = 1;
    open = false;
    doubled = 0;
    renders = 0;
    protected override willUpdate(changed: PropertyValues) {
      if (changed.has('size')) this.doubled = this.size * 2;
    }
    protected override render() {
      this.renders++;
      return html`<p>${this.label} ${this.size} ${this.open} ${this.doubled}</p>`;
    }
  }
  customElements.define(tag, Probe);
  return { tag, Probe };
}

describe('ColloquyElement (the base of every Colloquy element)', () => {
  it('converts attributes to typed properties and renders them into its shadow root', async () => {
    const { tag } = defineProbe();
    const el = document.createElement(tag) as HTMLElement & { label: string; size: number; open: boolean; updateComplete: Promise<boolean> };
    el.setAttribute('label', 'hello');
    el.setAttribute('size-px', '42');
    el.setAttribute('open', '');
    document.body.append(el);
    await el.updateComplete;
    expect(el.size).to.equal(42);
    expect(el.open).to.be.true;
    expect(el.shadowRoot!.querySelector('p')!.textContent).to.equal('hello 42 true 84');
    el.removeAttribute('open');
    await el.updateComplete;
    expect(el.open).to.be.false;
    expect(getComputedStyle(el).color).to.equal('rgb(1, 2, 3)');
    el.remove();
  });

  it('batches changes made in one task into one render', async () => {
    const { tag } = defineProbe();
    const el = (await fixture(`<${tag}></${tag}>`)) as HTMLElement & { label: string; open: boolean; renders: number; updateComplete: Promise<boolean> };
    await el.updateComplete;
    const before = el.renders;
    el.label = 'a';
    el.label = 'b';
    el.open = true;
    await el.updateComplete;
    expect(el.renders - before).to.equal(1);
    expect(el.shadowRoot!.textContent).to.contain('b');
  });

  it('keeps a property a page set before the element was defined', async () => {
    const tag = `colloquy-probe-${n}`;
    const early = document.createElement(tag) as HTMLElement & { label: string };
    early.label = 'set early';
    document.body.append(early);
    defineProbe();
    await (early as unknown as ColloquyElement).updateComplete;
    await new Promise((r) => setTimeout(r));
    expect(early.label).to.equal('set early');
    expect(early.shadowRoot!.textContent).to.contain('set early');
    early.remove();
  });

  it('renders what willUpdate derives in the same render, without a second one', async () => {
    const { tag } = defineProbe();
    const host = (await fixture(fixtureHtml`<div></div>`)) as HTMLElement;
    const probe = document.createElement(tag) as HTMLElement & { size: number; renders: number; updateComplete: Promise<boolean> };
    host.append(probe);
    await probe.updateComplete;
    const before = probe.renders;
    probe.size = 5;
    await probe.updateComplete;
    expect(probe.shadowRoot!.textContent).to.contain('5 false 10');
    await new Promise((r) => setTimeout(r));
    expect(probe.renders - before).to.equal(1);
  });
});

describe('ColloquyElement survives what Lit’s ReactiveElement survives', () => {
  it('reports a render that throws (console and colloquy-error "render") and renders again afterwards', async () => {
    const tag = `colloquy-probe-${n++}`;
    class Fragile extends ColloquyElement {
      static override properties = { label: {} };
      label = 'fine';
      protected override render() {
        if (this.label === 'boom') throw new Error('malformed');
        return html`<p>${this.label}</p>`;
      }
    }
    customElements.define(tag, Fragile);
    const el = (await fixture(`<${tag}></${tag}>`)) as Fragile;
    await el.updateComplete;
    const logged: unknown[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => void logged.push(args.join(' '));
    const events: Event[] = [];
    el.addEventListener('colloquy-error', (e) => events.push(e));
    try {
      el.label = 'boom';
      expect(await el.updateComplete, 'the failed update settles').to.be.false;
    } finally {
      console.error = error;
    }
    expect(String(logged[0])).to.match(/^\[colloquy\]/);
    expect(events).to.have.length(1);
    expect((events[0] as CustomEvent).detail.code).to.equal('render');
    el.label = 'again';
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.equal('again');
  });

  it('does not render before it is connected', async () => {
    const { tag } = defineProbe();
    const el = document.createElement(tag) as HTMLElement & { label: string; renders: number; hasUpdated: boolean };
    el.label = 'configured';
    await new Promise((r) => setTimeout(r));
    expect(el.renders).to.equal(0);
    expect(el.hasUpdated).to.be.false;
    document.body.append(el);
    await (el as unknown as ColloquyElement).updateComplete;
    expect(el.renders).to.equal(1);
    expect(el.shadowRoot!.textContent).to.contain('configured');
    el.remove();
  });

  it('detects changes with Object.is: setting NaN again does not render again', async () => {
    const { tag } = defineProbe();
    const el = (await fixture(`<${tag}></${tag}>`)) as HTMLElement & { size: number; renders: number; updateComplete: Promise<boolean> };
    el.size = NaN;
    await el.updateComplete;
    const before = el.renders;
    el.size = NaN;
    await el.updateComplete;
    expect(el.renders - before).to.equal(0);
  });

  it('merges a subclass’s static properties with its parent’s', async () => {
    const tag = `colloquy-probe-${n++}`;
    class Parent extends ColloquyElement {
      static override properties: Record<string, PropertyDeclaration> = { label: {} };
      label = 'parent';
      protected override render() {
        return html`<p>${this.label} ${(this as unknown as { extra: string }).extra}</p>`;
      }
    }
    class Child extends Parent {
      static override properties: Record<string, PropertyDeclaration> = { extra: { attribute: 'extra-text' } };
      extra = 'child';
    }
    customElements.define(tag, Child);
    const el = (await fixture(`<${tag} label="from attribute" extra-text="also"></${tag}>`)) as Child;
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.equal('from attribute also');
    el.label = 'changed';
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.equal('changed also');
  });
});
