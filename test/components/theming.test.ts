/**
 * Theming promises: every custom property the README documents feeds the widget's styles,
 * and setting one from the page changes what visitors see.
 */
import { expect } from '@open-wc/testing';
import { FakeEndpoint, makeComment } from './fake-endpoint.js';
import { $, renderWidget } from './helpers.js';

// Taken before any test replaces fetch with the endpoint double.
const realFetch = window.fetch.bind(window);

async function documentedTokens(): Promise<string[]> {
  const readme = await (await realFetch('/README.md')).text();
  const section = readme.split('\n### Custom properties\n')[1].split(/\n#{2,3} /)[0];
  return [...section.matchAll(/^\| `(--colloquy-[a-z-]+)`/gm)].map((m) => m[1]);
}

describe('<colloquy-comments> theming', () => {
  let fake: FakeEndpoint;
  beforeEach(() => {
    fake = new FakeEndpoint([makeComment({ id: '1', author: { name: 'Ada', url: 'https://ada.example', avatar: 'a' } })]);
  });
  afterEach(() => fake.restore());

  it('reads every documented --colloquy-* token in its styles', async () => {
    const el = await renderWidget(fake);
    const css = el.shadowRoot!.adoptedStyleSheets.flatMap((sheet) => [...sheet.cssRules].map((r) => r.cssText)).join('\n');
    const tokens = await documentedTokens();
    expect(tokens.length).to.be.greaterThan(5);
    for (const token of tokens) expect(css, token).to.contain(`var(${token}`);
  });

  it('changes what visitors see when the page sets a token', async () => {
    const el = await renderWidget(fake);
    el.style.setProperty('--colloquy-accent', 'rgb(10, 20, 30)');
    el.style.setProperty('--colloquy-text', 'rgb(40, 50, 60)');
    el.style.setProperty('--colloquy-bg', 'rgb(250, 240, 230)');
    el.style.setProperty('--colloquy-font', 'monospace');
    expect(getComputedStyle($(el, '[part~="submit"]')).backgroundColor).to.equal('rgb(10, 20, 30)');
    expect(getComputedStyle($(el, '[part~="comment-author"]')).color).to.equal('rgb(10, 20, 30)');
    expect(getComputedStyle($(el, '[part~="comment-body"]')).color).to.equal('rgb(40, 50, 60)');
    expect(getComputedStyle(el).backgroundColor).to.equal('rgb(250, 240, 230)');
    expect(getComputedStyle($(el, '[part~="comment-body"]')).fontFamily).to.equal('monospace');
  });

  it('lets the page style any part with ::part()', async () => {
    const style = document.createElement('style');
    style.textContent = 'colloquy-comments::part(heading) { letter-spacing: 7px; } colloquy-comments::part(comment-avatar) { border-radius: 0px; }';
    document.head.append(style);
    try {
      const el = await renderWidget(fake);
      expect(getComputedStyle($(el, '[part~="heading"]')).letterSpacing).to.equal('7px');
      expect(getComputedStyle($(el, '[part~="comment-avatar"]')).borderRadius).to.equal('0px');
    } finally {
      style.remove();
    }
  });
});
