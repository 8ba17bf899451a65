/**
 * Languages: every locale has every English string (with all the plural forms its language
 * needs), the widget speaks its own `lang`, else the nearest one, else English, downloads
 * only the locale in use, lays Arabic and Hebrew out right to left, and takes the site's
 * own wording from the `strings` property or attribute.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { ColloquyComments } from '../../src/components/comments/colloquy-comments.js';
import en, { type PluralMessage } from '../../src/i18n/en.js';
import enForm from '../../src/i18n/en-form.js';
import enInteractions from '../../src/i18n/en-interactions.js';
import enLive from '../../src/i18n/en-live.js';
import enWriting from '../../src/i18n/en-writing.js';
import { LOCALES, say } from '../../src/i18n/i18n.js';
import { FakeEndpoint, fixtureThread, makeComment } from './fake-endpoint.js';
import { $, settle, showForm, submit } from './helpers.js';

const english: Record<string, string | PluralMessage> = { ...en, ...enForm, ...enWriting, ...enInteractions, ...enLive };
const loadLocale = async (code: string) =>
  (await import(`../../src/i18n/locales/${code}.ts`)).default as Record<string, string | PluralMessage>;
const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort().join();
const localeRequests = () =>
  performance
    .getEntriesByType('resource')
    .map((e) => new URL(e.name).pathname)
    .filter((p) => p.includes('/i18n/locales/'));

/** Renders the widget inside `wrapper` markup and waits for its thread. */
async function widgetIn(template: ReturnType<typeof html>) {
  const root = await fixture<HTMLElement>(template);
  const el = (root.localName === 'colloquy-comments' ? root : root.querySelector('colloquy-comments')!) as ColloquyComments;
  await waitUntil(() => $(el, '[part~="heading"]') && !$(el, '[part~="skeleton"]'), 'the thread did not load');
  await settle(el);
  await showForm(el);
  return el;
}

describe('locales', () => {
  // Runs first in this page, so the resource timing list holds only what it caused.
  it('downloads only the locale in use, and none for English', async () => {
    const fake = new FakeEndpoint(fixtureThread());
    try {
      await widgetIn(html`<colloquy-comments endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>`);
      expect(localeRequests(), 'English is built in').to.deep.equal([]);
      await widgetIn(html`<div lang="de"><colloquy-comments endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments></div>`);
      await widgetIn(html`<div lang="de-AT"><colloquy-comments endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments></div>`);
      expect(localeRequests()).to.deep.equal(['/src/i18n/locales/de.js']);
    } finally {
      fake.restore();
    }
  });

  it(`ships at least 12 languages: English and ${LOCALES.join(', ')}`, () => {
    expect(LOCALES.length + 1).to.be.at.least(12);
    expect(LOCALES).to.include.members(['ar', 'he']);
  });

  for (const code of LOCALES) {
    describe(code, () => {
      it('has every English key and no other, each of the same kind', async () => {
        const strings = await loadLocale(code);
        expect(Object.keys(strings).sort(), `${code} keys`).to.deep.equal(Object.keys(english).sort());
        for (const [key, message] of Object.entries(english)) {
          expect(typeof strings[key], `${code}.${key}`).to.equal(typeof message);
        }
      });

      it('gives every plural form its language has, keeping the placeholders', async () => {
        const strings = await loadLocale(code);
        const categories = new Intl.PluralRules(code).resolvedOptions().pluralCategories;
        for (const [key, message] of Object.entries(english)) {
          const translated = strings[key];
          if (typeof message === 'string') {
            expect(placeholders(translated as string), `${code}.${key}`).to.equal(placeholders(message));
            continue;
          }
          const forms = translated as PluralMessage;
          for (const category of categories) expect(forms[category], `${code}.${key}.${category}`).to.be.a('string');
          if (message[0] !== undefined) expect(forms[0], `${code}.${key}[0]`).to.be.a('string');
          // Any form may spell the number out ("one comment"), but `other` must show it.
          expect(forms.other, `${code}.${key}.other`).to.contain('{n}');
        }
      });
    });
  }
});

describe('<colloquy-comments> in other languages', () => {
  let fake: FakeEndpoint;
  beforeEach(() => {
    fake = new FakeEndpoint(fixtureThread());
  });
  afterEach(() => fake.restore());

  it('speaks its own lang over the page’s', async () => {
    const el = await widgetIn(html`<div lang="fr">
      <colloquy-comments lang="de" endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>
    </div>`);
    expect($(el, '[part~="heading"]').textContent).to.equal('9 Kommentare');
    expect($(el, '[part~="form-heading"]').textContent).to.equal('Schreibe einen Kommentar');
    expect($(el, '[part~="submit"]').textContent!.trim()).to.equal('Kommentar abschicken');
  });

  it('switches language when its lang changes', async () => {
    const el = await widgetIn(html`<colloquy-comments endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>`);
    el.lang = 'it';
    await waitUntil(() => $(el, '[part~="heading"]').textContent === '9 commenti');
    el.removeAttribute('lang');
    await waitUntil(() => $(el, '[part~="heading"]').textContent === '9 Comments');
  });

  it('else the nearest lang around it; regional tags use their language', async () => {
    const el = await widgetIn(html`<section lang="pt-BR">
      <div><colloquy-comments endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments></div>
    </section>`);
    expect($(el, '[part~="heading"]').textContent).to.equal('9 comentários');
    expect($(el, 'time').textContent, 'dates in the locale').to.match(/de novembro de 2026/);
  });

  it('else English, also for a language it does not ship or a malformed tag', async () => {
    for (const lang of ['sv', 'en_GB', '']) {
      const el = await widgetIn(html`<div lang=${lang}><colloquy-comments endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments></div>`);
      expect($(el, '[part~="heading"]').textContent, `lang="${lang}"`).to.equal('9 Comments');
    }
  });

  it('uses each language’s plural rules and digits grouping', async () => {
    const cases: Array<[string, number, string]> = [
      ['ar', 2, 'تعليقان'],
      ['ar', 3, '3 تعليقات'],
      ['pl', 5, '5 komentarzy'],
      ['pl', 22, '22 komentarze'],
      ['de', 0, 'Noch keine Kommentare'],
      ['en', 1234, '1,234 Comments'],
    ];
    for (const [lang, n, text] of cases) {
      fake.comments = Array.from({ length: n }, (_, i) => makeComment({ id: String(i + 1) }));
      const el = await widgetIn(html`<colloquy-comments lang=${lang} endpoint=${fake.base} thread="t" loading="eager" page-size="1"></colloquy-comments>`);
      expect($(el, '[part~="heading"]').textContent, `${lang} ${n}`).to.contain(text);
    }
  });

  it('lays Arabic and Hebrew out right to left even in a left-to-right page, and comment text by its own direction', async () => {
    fake.comments = [makeComment({ id: '1', body: 'שלום לכולם' }), makeComment({ id: '2', body: 'Hello all' })];
    const el = await widgetIn(html`<div dir="ltr"><colloquy-comments lang="ar" endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments></div>`);
    expect($(el, 'section').getAttribute('dir')).to.equal('rtl');
    expect(getComputedStyle($(el, '[part~="heading"]')).direction).to.equal('rtl');
    expect($(el, '#comment-1 [part~="comment-body"]').getAttribute('dir')).to.equal('auto');
    expect($<HTMLTextAreaElement>(el, '#body').getAttribute('dir')).to.equal('auto');
    await expect(el).to.be.accessible();
    const english = await widgetIn(html`<div dir="rtl"><colloquy-comments endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments></div>`);
    expect($(english, 'section').getAttribute('dir'), 'English reads left to right').to.equal('ltr');
  });

  it('says form errors in the page’s language (the writer’s strings travel in the locale)', async () => {
    const el = await widgetIn(html`<colloquy-comments lang="fr" endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>`);
    await submit(el);
    expect($(el, '#body-error').textContent).to.not.equal('Please type your comment.');
    expect($(el, '#body-error').textContent).to.equal((await loadLocale('fr')).requiredBody);
  });

  it('copes with the thread failing before its locale arrived, then says so in that language', async () => {
    fake.getReplies = [{ status: 500, body: { error: { code: 'server_error', message: 'boom' } } }];
    const errors: string[] = [];
    const el = await fixture<ColloquyComments>(html`<colloquy-comments
      lang="nl"
      endpoint=${fake.base}
      thread="t"
      loading="eager"
      @colloquy-error=${(e: CustomEvent) => errors.push(e.detail.code)}
    ></colloquy-comments>`);
    await waitUntil(() => $(el, '[part~="load-error"]'), 'no load error shown');
    expect(errors).to.deep.equal(['server_error']);
    expect($(el, '[part~="load-error"] p').textContent).to.equal((await loadLocale('nl')).loadFailed);
  });

  it('shows nothing in English while its locale is on the way', async () => {
    const el = await fixture<ColloquyComments>(html`<colloquy-comments lang="ja" endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>`);
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.not.match(/Comment|Loading/);
    await waitUntil(() => $(el, '[part~="heading"]'));
    expect($(el, '[part~="heading"]').textContent).to.equal('9件のコメント');
  });
});

describe('the site’s own wording', () => {
  let fake: FakeEndpoint;
  beforeEach(() => {
    fake = new FakeEndpoint(fixtureThread());
  });
  afterEach(() => fake.restore());

  it('overrides any string from JSON in the strings attribute, plural forms included', async () => {
    const strings = JSON.stringify({ leaveComment: 'Join the conversation', commentCount: { 0: 'Quiet here', one: '{n} voice', other: '{n} voices' } });
    const el = await widgetIn(html`<colloquy-comments strings=${strings} endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>`);
    expect($(el, '[part~="form-heading"]').textContent).to.equal('Join the conversation');
    expect($(el, '[part~="heading"]').textContent).to.equal('9 voices');
  });

  it('overrides from the strings property, over a locale, at run time, writing strings too', async () => {
    const el = await widgetIn(html`<colloquy-comments lang="de" endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>`);
    el.strings = { post: 'Absenden', requiredBody: 'Bitte schreib etwas.' };
    await el.updateComplete;
    expect($(el, '[part~="submit"]').textContent!.trim()).to.equal('Absenden');
    expect($(el, '[part~="form-heading"]').textContent, 'the rest stays German').to.equal('Schreibe einen Kommentar');
    await submit(el);
    expect($(el, '#body-error').textContent).to.equal('Bitte schreib etwas.');
  });

  it('reports a strings attribute that is not JSON, by name, and keeps working', async () => {
    const logged: string[] = [];
    const original = console.error;
    console.error = (message: string) => logged.push(message);
    try {
      const el = await widgetIn(html`<colloquy-comments strings="{leaveComment: oops" endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>`);
      expect($(el, '[part~="form-heading"]').textContent).to.equal('Leave a Comment');
    } finally {
      console.error = original;
    }
    expect(logged.join()).to.contain('<colloquy-comments>: the strings attribute is not valid JSON');
  });
});

describe('<colloquy-count> in other languages', () => {
  let fake: FakeEndpoint;
  beforeEach(() => {
    fake = new FakeEndpoint();
    fake.threadCounts = { a: 3, b: 1 };
  });
  afterEach(() => fake.restore());

  it('says the count in the nearest language, with the site’s wording when given', async () => {
    const root = await fixture(html`<div>
      <p lang="es"><colloquy-count endpoint=${fake.base} thread="a"></colloquy-count></p>
      <p lang="he"><colloquy-count endpoint=${fake.base} thread="b"></colloquy-count></p>
      <colloquy-count endpoint=${fake.base} thread="a" strings='{"commentCount": {"one": "{n} reply", "other": "{n} replies"}}'></colloquy-count>
    </div>`);
    const counts = [...root.querySelectorAll('colloquy-count')];
    await waitUntil(() => counts.every((c) => c.textContent));
    expect(counts.map((c) => c.textContent)).to.deep.equal(['3 comentarios', (await loadLocale('he')).commentCount && say((await loadLocale('he')).commentCount as PluralMessage, 'he', 1), '3 replies']);
    await expect(root).to.be.accessible();
  });
});
