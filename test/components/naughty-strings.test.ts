/**
 * The Big List of Naughty Strings (test/fixtures/blns.json, MIT) rendered by the real
 * widget as names, websites and bodies: nothing may execute, no markup may appear, and
 * every string must read back as the text it is.
 */
import { expect } from '@open-wc/testing';
import { FakeEndpoint, makeComment } from './fake-endpoint.js';
import { $$, renderWidget } from './helpers.js';
import naughty from '../fixtures/blns.json' with { type: 'json' };

describe('<colloquy-comments> with naughty strings', () => {
  let fake: FakeEndpoint;
  const executed: string[] = [];
  const originals = { alert: window.alert, confirm: window.confirm, prompt: window.prompt };
  beforeEach(() => {
    fake = new FakeEndpoint();
    // Anything that runs calls these in the list; record instead of blocking on a dialog.
    window.alert = window.confirm = window.prompt = ((message?: unknown) => void executed.push(String(message))) as never;
  });
  afterEach(() => {
    fake.restore();
    Object.assign(window, originals);
  });

  it(`renders all ${(naughty as string[]).length} strings as inert text`, async () => {
    const strings = naughty as string[];
    fake.comments = strings.map((text, i) =>
      makeComment({ id: String(i + 1), body: text || '(empty)', author: { name: text || '(empty)', url: text, avatar: text } }),
    );
    const el = await renderWidget(fake, 'naughty', {});
    // Two pages of 50 are not enough: load everything.
    for (let guard = 0; guard < 20 && el.shadowRoot!.querySelector('[part~="load-more"]'); guard++) {
      (el.shadowRoot!.querySelector('[part~="load-more"]') as HTMLButtonElement).click();
      await new Promise((r) => setTimeout(r, 30));
      await el.updateComplete;
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(executed, 'nothing executed').to.deep.equal([]);
    expect($$(el, 'script, img, iframe, object, embed, svg, math, style, link, meta, base, form input[type=hidden]')).to.have.length(0);
    for (const a of $$<HTMLAnchorElement>(el, 'a')) expect(a.protocol, a.href).to.be.oneOf(['http:', 'https:', 'mailto:', location.protocol]);
    const names = $$(el, '[part~="comment-author"]').map((n) => n.textContent);
    expect(names).to.have.length(strings.length);
    expect(names).to.deep.equal(strings.map((s) => s || '(empty)'));
  });
});
