import { render, type TemplateResult } from 'lit/html.js';
import { emit } from '../../events/events.js';

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

/**
 * Lit's `ReactiveController` shape, as far as the widget's controllers use it: a concern that
 * follows its element's connection (none needs Lit's `hostUpdate`/`hostUpdated`, so the base
 * does not carry them).
 */
export interface ReactiveController {
  hostConnected?(): void;
  hostDisconnected?(): void;
}

/** What a controller may ask of its element. */
export interface ReactiveControllerHost {
  addController(controller: ReactiveController): void;
  requestUpdate(): void;
  readonly updateComplete: Promise<boolean>;
}

/**
 * The base of Colloquy's elements: Lit's templates (lit-html) and styles, with the
 * reactive-property lifecycle of LitElement reduced to what the widget uses —
 * `static properties`, `static styles`, controllers, `willUpdate`, `render`, `updated`,
 * `updateComplete`. As in Lit's ReactiveElement: nothing renders before the element is
 * connected, changes are detected with `Object.is`, a subclass's `static properties` add to
 * its parent's, and an update that throws is reported (console, and `colloquy-error` with
 * code `render`) without stopping later ones.
 *
 * Why not LitElement itself: ReactiveElement costs about 2.3 KB gzip, a fifth of the
 * 12 KB the whole script tag may weigh. The API mirrors LitElement's, so moving back is
 * a change of `extends`.
 */
export abstract class ColloquyElement extends HTMLElement implements ReactiveControllerHost {
  static styles: CSSStyleSheet[] = [];
  static properties: Record<string, PropertyDeclaration> = {};
  /** Attribute → the property it sets and its declaration, for this class and the classes it extends. */
  private static attributeMap: Map<string, [string, PropertyDeclaration]>;
  /** Every property declared by this class and the classes it extends. */
  private static declared: string[];

  /** Read once, when the class is defined: declares the properties' accessors on the way. */
  static get observedAttributes(): string[] {
    const attributes = (this.attributeMap = new Map());
    const names: string[] = (this.declared = []);
    // From the base down, so a subclass's declaration wins.
    const chain: (typeof ColloquyElement)[] = [];
    for (let type = this; type !== ColloquyElement; type = Object.getPrototypeOf(type)) chain.unshift(type);
    for (const type of chain) {
      for (const [name, declaration] of Object.entries(Object.hasOwn(type, 'properties') ? type.properties : {})) {
        names.push(name);
        if (!declaration.state) attributes.set(declaration.attribute ?? name.toLowerCase(), [name, declaration]);
        if (Object.hasOwn(type.prototype, name)) continue;
        Object.defineProperty(type.prototype, name, {
          configurable: true,
          get(this: ColloquyElement) {
            return this.values.get(name);
          },
          set(this: ColloquyElement, value: unknown) {
            const old = this.values.get(name);
            if (Object.is(old, value)) return;
            this.values.set(name, value);
            this.requestUpdate(name, old);
          },
        });
      }
    }
    return [...attributes.keys()];
  }

  readonly renderRoot: ShadowRoot;
  hasUpdated = false;
  private values = new Map<string, unknown>();
  private changed: PropertyValues = new Map();
  private pending: Promise<boolean> | null = null;
  private controllers = new Set<ReactiveController>();
  /** False while the last update failed. */
  private rendered = true;

  constructor() {
    super();
    const type = this.constructor as typeof ColloquyElement;
    // Values a page set before the element was defined sit on the instance and would
    // hide the accessors; move them behind them.
    for (const name of type.declared) {
      if (Object.hasOwn(this, name)) {
        const value = (this as Record<string, unknown>)[name];
        delete (this as Record<string, unknown>)[name];
        queueMicrotask(() => ((this as Record<string, unknown>)[name] = value));
      }
    }
    this.renderRoot = this.attachShadow({ mode: 'open' });
    this.renderRoot.adoptedStyleSheets = type.styles;
  }

  addController(controller: ReactiveController): void {
    this.controllers.add(controller);
    if (this.isConnected) controller.hostConnected?.();
  }

  /** Resolves once every update asked for so far has rendered (false when one failed). */
  get updateComplete(): Promise<boolean> {
    const ok = this.rendered;
    return this.pending ? this.pending.then(() => this.updateComplete) : this.getUpdateComplete().then((done) => done && ok);
  }

  /** What else an update waits for once rendered (Lit's hook of the same name). */
  protected getUpdateComplete(): Promise<boolean> {
    return Promise.resolve(true);
  }

  /** Schedules one render for all changes made in the same task; none before the element is connected. */
  requestUpdate(name?: string, old?: unknown): void {
    if (name && !this.changed.has(name)) this.changed.set(name, old);
    if (this.isConnected) this.pending ??= Promise.resolve().then(() => this.performUpdate());
  }

  connectedCallback(): void {
    for (const controller of this.controllers) controller.hostConnected?.();
    this.requestUpdate();
  }

  disconnectedCallback(): void {
    for (const controller of this.controllers) controller.hostDisconnected?.();
  }

  attributeChangedCallback(attribute: string, _old: string | null, value: string | null): void {
    const [name, { type }] = (this.constructor as typeof ColloquyElement).attributeMap.get(attribute)!;
    let converted: unknown = type === Boolean ? value !== null : type && value === null ? undefined : value;
    if (type === Number && value !== null) converted = Number(value);
    if (type === Object && value !== null) {
      try {
        converted = JSON.parse(value);
      } catch (error) {
        // A mistake is reported by name and leaves the property empty.
        converted = undefined;
        console.error(`[colloquy] <${this.localName}>: the ${attribute} attribute is not valid JSON (${String(error)}).`);
      }
    }
    (this as Record<string, unknown>)[name] = converted;
  }

  private performUpdate(): boolean {
    let ok = true;
    try {
      // As in Lit, what willUpdate changes is part of this render, not a reason for another.
      this.willUpdate(this.changed);
      this.changed = new Map();
      render(this.render(), this.renderRoot, { host: this });
      this.hasUpdated = true;
      this.updated();
    } catch (error) {
      ok = false;
      this.changed = new Map();
      console.error(`[colloquy] <${this.localName}> could not render:`, error);
      emit(this, 'colloquy-error', { code: 'render', message: String(error) });
    }
    this.pending = null;
    this.rendered = ok;
    if (this.changed.size) {
      // Changes made while rendering get an update of their own.
      this.requestUpdate();
      return false;
    }
    return ok;
  }

  /** Called before each render with the changed properties and their old values. */
  protected willUpdate(_changed: PropertyValues): void {}

  /** Called after each render. */
  protected updated(): void {}

  protected abstract render(): TemplateResult;
}
