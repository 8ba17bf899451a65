import { render, type TemplateResult } from 'lit/html.js';

/** Declares a reactive property, as Lit's `static properties` does (the same shape, a subset of options). */
export interface PropertyDeclaration {
  /** How an attribute's text becomes the property's value. */
  type?: typeof String | typeof Number | typeof Boolean | typeof Object;
  /** The attribute's name; default the property's name lower-cased. */
  attribute?: string;
  /** Internal state: re-renders, but has no attribute. */
  state?: boolean;
}

export type PropertyValues = Map<PropertyKey, unknown>;

/** An attribute holding JSON; a mistake is reported by name and leaves the property empty. */
function parseJson(element: string, attribute: string, value: string | null): unknown {
  try {
    return value === null ? undefined : JSON.parse(value);
  } catch (error) {
    console.error(`<${element}>: the ${attribute} attribute is not valid JSON (${String(error)}).`);
  }
}

/**
 * The base of Colloquy's elements: Lit's templates (lit-html) and styles, with the
 * reactive-property lifecycle of LitElement reduced to what the widget uses —
 * `static properties`, `static styles`, `willUpdate`, `render`, `updateComplete`.
 *
 * Why not LitElement itself: ReactiveElement costs about 2.3 KB gzip, a fifth of the
 * 12 KB the whole script tag may weigh. The API mirrors LitElement's, so moving back is
 * a change of `extends`.
 */
export abstract class ColloquyElement extends HTMLElement {
  static styles: CSSStyleSheet[] = [];
  static properties: Record<string, PropertyDeclaration> = {};
  private static attributeMap?: Map<string, string>;

  static get observedAttributes(): string[] {
    if (!Object.hasOwn(this, 'attributeMap')) {
      this.attributeMap = new Map();
      for (const [name, declaration] of Object.entries(this.properties)) {
        if (!declaration.state) this.attributeMap.set(declaration.attribute ?? name.toLowerCase(), name);
        Object.defineProperty(this.prototype, name, {
          get(this: ColloquyElement) {
            return this.values.get(name);
          },
          set(this: ColloquyElement, value: unknown) {
            const old = this.values.get(name);
            if (old === value) return;
            this.values.set(name, value);
            this.requestUpdate(name, old);
          },
        });
      }
    }
    return [...this.attributeMap!.keys()];
  }

  readonly renderRoot: ShadowRoot;
  hasUpdated = false;
  private values = new Map<string, unknown>();
  private changed: PropertyValues = new Map();
  private pending: Promise<boolean> | null = null;

  constructor() {
    super();
    const type = this.constructor as typeof ColloquyElement;
    // Values a page set before the element was defined sit on the instance and would
    // hide the accessors; move them behind them.
    for (const name in type.properties) {
      if (Object.hasOwn(this, name)) {
        const value = (this as Record<string, unknown>)[name];
        delete (this as Record<string, unknown>)[name];
        queueMicrotask(() => ((this as Record<string, unknown>)[name] = value));
      }
    }
    this.renderRoot = this.attachShadow({ mode: 'open' });
    this.renderRoot.adoptedStyleSheets = type.styles;
  }

  /** Resolves once every update asked for so far has rendered. */
  get updateComplete(): Promise<boolean> {
    return this.pending ? this.pending.then(() => this.updateComplete) : Promise.resolve(true);
  }

  /** Schedules one render for all changes made in the same task. */
  requestUpdate(name?: string, old?: unknown): void {
    if (name && !this.changed.has(name)) this.changed.set(name, old);
    this.pending ??= Promise.resolve().then(() => this.performUpdate());
  }

  connectedCallback(): void {
    this.requestUpdate();
  }

  disconnectedCallback(): void {}

  attributeChangedCallback(attribute: string, _old: string | null, value: string | null): void {
    const type = this.constructor as typeof ColloquyElement;
    const name = type.attributeMap!.get(attribute)!;
    const kind = type.properties[name].type;
    (this as Record<string, unknown>)[name] =
      kind === Boolean
        ? value !== null
        : kind === Number
          ? value === null
            ? undefined
            : Number(value)
          : kind === Object
            ? parseJson(this.localName, attribute, value)
            : value;
  }

  private performUpdate(): boolean {
    // As in Lit, what willUpdate changes is part of this render, not a reason for another.
    this.willUpdate(this.changed);
    this.changed = new Map();
    render(this.render(), this.renderRoot, { host: this });
    this.hasUpdated = true;
    this.pending = null;
    if (this.changed.size) {
      // Changes made while rendering get an update of their own.
      this.requestUpdate();
      return false;
    }
    return true;
  }

  /** Called before each render with the changed properties and their old values. */
  protected willUpdate(_changed: PropertyValues): void {}

  protected abstract render(): TemplateResult;
}
