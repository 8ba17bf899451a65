/**
 * <colloquy-comments> as a conversation: paging, sort, lazy loading, safe formatting
 * and podcast timestamps.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { ColloquyComments } from '../../src/components/comments/colloquy-comments.js';
import type { ColloquyEvent } from '../../src/events/events.js';
import { MAX_ELEMENTS } from '../../src/components/comments/format.js';
import { silentWav } from '../../src/server/demo/demo-audio.js';
import { FakeEndpoint, makeComment } from './fake-endpoint.js';
import { $, $$, activeInShadow, renderWidget, settle } from './helpers.js';

const tops = (n: number, from = 1) => Array.from({ length: n }, (_, i) => makeComment({ id: String(from + i) }));
const ids = (el: Element) => $$(el, '[part~="comment"]').map((a) => a.id.replace('comment-', ''));

describe('<colloquy-comments> conversation', () => {
  let fake: FakeEndpoint;
  beforeEach(() => {
    fake = new FakeEndpoint();
  });
  afterEach(() => fake.restore());

  it('should pass accessibility tests with a long thread, sort control and load-more button', async () => {
    fake.comments = tops(8);
    const el = await fixture<ColloquyComments>(
      html`<colloquy-comments endpoint=${fake.base} thread="t" page-size="3" loading="eager"></colloquy-comments>`,
    );
    await waitUntil(() => $(el, '[part~="load-more"]'));
    await expect(el).to.be.accessible();
  });

  describe('paging', () => {
    it('asks for page-size top-level comments and appends the next page on "Load more comments"', async () => {
      fake.comments = [...tops(5), makeComment({ id: '50', parentId: '2' })];
      const el = await fixture<ColloquyComments>(
        html`<colloquy-comments endpoint=${fake.base} thread="t" page-size="2" loading="eager"></colloquy-comments>`,
      );
      await waitUntil(() => $$(el, '[part~="comment"]').length);
      expect(fake.requests[0].url.searchParams.get('limit')).to.equal('2');
      expect(ids(el)).to.deep.equal(['1', '2', '50']);
      expect($(el, '[part~="heading"]').textContent!.trim(), 'the heading counts the whole thread').to.equal('6 Comments');

      const more = $<HTMLButtonElement>(el, '[part~="load-more"]');
      expect(more.textContent!.trim()).to.equal('Load more comments');
      more.click();
      await waitUntil(() => ids(el).length === 5);
      expect(fake.requests.at(-1)!.url.searchParams.get('cursor')).to.equal('2');
      expect(ids(el)).to.deep.equal(['1', '2', '50', '3', '4']);
      expect(activeInShadow(el)?.id, 'focus moves to the first new comment').to.equal('comment-3');

      $<HTMLButtonElement>(el, '[part~="load-more"]').click();
      await waitUntil(() => ids(el).length === 6);
      expect($(el, '[part~="load-more"]'), 'no button after the last page').to.not.exist;
      expect($(el, '[part~="heading"]').textContent!.trim()).to.equal('6 Comments');
    });

    it('defaults to 50 top-level comments a page', async () => {
      fake.comments = tops(60);
      const el = await renderWidget(fake);
      expect(fake.requests[0].url.searchParams.get('limit')).to.equal('50');
      expect(ids(el)).to.have.length(50);
      expect($(el, '[part~="load-more"]')).to.exist;
    });

    it('keeps what it has and says so when the next page fails', async () => {
      fake.comments = tops(3);
      const el = await fixture<ColloquyComments>(
        html`<colloquy-comments endpoint=${fake.base} thread="t" page-size="2" loading="eager"></colloquy-comments>`,
      );
      await waitUntil(() => $(el, '[part~="load-more"]'));
      fake.getReplies = ['offline'];
      const errored = oneEvent(el, 'colloquy-error');
      $<HTMLButtonElement>(el, '[part~="load-more"]').click();
      await errored;
      await settle(el);
      expect(ids(el)).to.deep.equal(['1', '2']);
      expect($(el, '[part~="status"]').textContent).to.equal('Comments could not be loaded.');
      expect($<HTMLButtonElement>(el, '[part~="load-more"]').disabled).to.be.false;
    });
  });

  describe('long threads', () => {
    it('renders a chain of 5,000 replies, nested to max-depth and then side by side', async () => {
      const chain = [makeComment({ id: '10000' })];
      for (let i = 1; i < 5000; i++) chain.push(makeComment({ id: String(10000 + i), parentId: String(9999 + i) }));
      fake.comments = chain;
      const el = await renderWidget(fake);
      expect($$(el, '[part~="comment"]')).to.have.length(5000);
      expect($(el, '[part~="heading"]').textContent).to.equal('5,000 Comments');
      expect($$(el, 'ol ol ol ol ol ol'), 'no deeper than max-depth').to.have.length(0);
      expect($(el, '#comment-14999').closest('ol')).to.equal($(el, '#comment-10004').closest('ol'));
    });

    it('builds the first screenful at once and the rest in slices, the permalink’s comment first', async () => {
      fake.comments = tops(1000);
      history.replaceState(null, '', '#comment-900');
      try {
        // What the first render put in the DOM: counted in the microtasks right after the load.
        const firstRender = new Promise<[number, boolean]>((resolve) =>
          document.addEventListener(
            'colloquy-loaded',
            (e) => {
              const el = e.target as ColloquyComments;
              void Promise.resolve()
                .then(() => undefined)
                .then(() => resolve([$$(el, '[part~="comment"]').length, !!$(el, '#comment-900')]));
            },
            { once: true },
          ),
        );
        const el = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread="t" page-size="1000"></colloquy-comments>`);
        const [first, target] = await firstRender;
        expect(first, 'not all in one task').to.be.below(1000);
        expect(first, 'a screenful at once').to.be.at.least(8);
        expect(target, 'the permalink’s comment is built first').to.be.true;
        await el.updateComplete;
        expect($$(el, '[part~="comment"]')).to.have.length(1000);
        expect(ids(el).slice(0, 3)).to.deep.equal(['1', '2', '3']);
        expect(ids(el)[899]).to.equal('900');
      } finally {
        history.replaceState(null, '', location.pathname + location.search);
      }
    });
  });

  describe('held-back replies', () => {
    const conversation = () => [
      makeComment({ id: '1' }),
      ...Array.from({ length: 5 }, (_, i) => makeComment({ id: String(10 + i), parentId: i % 2 ? String(9 + i) : '1' })),
      makeComment({ id: '2' }),
    ];

    it('should pass accessibility tests with a "Show more replies" button', async () => {
      fake.comments = conversation();
      fake.repliesPerRoot = 2;
      const el = await renderWidget(fake);
      expect($(el, '[part~="more-replies"]')).to.exist;
      await expect(el).to.be.accessible();
    });

    it('shows "Show 3 more replies" and appends them in place, asking again while there are more', async () => {
      fake.comments = conversation();
      fake.repliesPerRoot = 2;
      fake.repliesPerPage = 2;
      const el = await renderWidget(fake);
      expect(ids(el)).to.deep.equal(['1', '10', '11', '2']);
      const button = () => $<HTMLButtonElement>(el, '#comment-1 ~ [part~="more-replies"]');
      expect(button().textContent).to.equal('Show 3 more replies');
      button().click();
      await waitUntil(() => ids(el).length === 6);
      const asked = fake.requests.at(-1)!.url;
      expect(asked.pathname).to.equal('/api/comments/replies');
      expect(asked.searchParams.get('thread')).to.equal('episode-1');
      expect(asked.searchParams.get('cursor')).to.equal('1:2');
      expect(ids(el)).to.deep.equal(['1', '10', '11', '12', '13', '2']);
      expect(activeInShadow(el)?.id, 'focus on the first new reply').to.equal('comment-12');
      expect($(el, '#comment-13').closest('ol')!.closest('li')!.querySelector('article')!.id, 'nested under its parent').to.equal('comment-12');
      expect(button().textContent).to.equal('Show 1 more reply');
      button().click();
      await waitUntil(() => ids(el).length === 7);
      expect(button(), 'no button once every reply is listed').to.equal(null);
      expect($$(el, '[part~="more-replies"]')).to.have.length(0);
    });
  });

  describe('sort', () => {
    it('sorts by the attribute, by the visible control, and remembers the visitor’s choice for the site', async () => {
      fake.comments = tops(3);
      let el = await fixture<ColloquyComments>(
        html`<colloquy-comments endpoint=${fake.base} thread="t" sort="newest" loading="eager"></colloquy-comments>`,
      );
      await waitUntil(() => ids(el).length === 3);
      expect(fake.requests[0].url.searchParams.get('sort')).to.equal('newest');
      expect(ids(el)).to.deep.equal(['3', '2', '1']);
      const select = $<HTMLSelectElement>(el, '[part~="sort"]');
      expect(select.value).to.equal('newest');
      expect(select.getAttribute('aria-label')).to.equal('Sort comments');

      select.focus();
      select.value = 'oldest';
      select.dispatchEvent(new Event('change'));
      await waitUntil(() => ids(el).join() === '1,2,3');
      expect(localStorage.getItem('colloquy-sort')).to.equal('"oldest"');
      el.remove();

      el = await fixture<ColloquyComments>(
        html`<colloquy-comments endpoint=${fake.base} thread="other" sort="newest" loading="eager"></colloquy-comments>`,
      );
      await waitUntil(() => ids(el).length === 3);
      expect(fake.requests.at(-1)!.url.searchParams.get('sort'), 'the visitor’s choice wins').to.equal('oldest');
    });

    it('puts a new comment first when newest is first', async () => {
      fake.comments = tops(2);
      localStorage.setItem('colloquy-sort', '"newest"');
      const el = await renderWidget(fake);
      const body = $<HTMLTextAreaElement>(el, '#body');
      body.value = 'Fresh';
      body.dispatchEvent(new Event('input'));
      for (const [id, value] of [['name', 'N'], ['email', 'n@example.com']]) {
        const input = $<HTMLInputElement>(el, `#${id}`);
        input.value = value;
        input.dispatchEvent(new Event('input'));
      }
      $<HTMLButtonElement>(el, '[part~="submit"]').click();
      await waitUntil(() => ids(el).length === 3);
      expect(ids(el)[0]).to.equal(fake.comments.at(-1)!.id);
    });
  });

  describe('lazy loading', () => {
    it('requests the thread only when the widget comes within about a screen of view', async () => {
      fake.comments = tops(1);
      const wrapper = await fixture(
        html`<div>
          <div style="height: 5000px"></div>
          <colloquy-comments endpoint=${fake.base} thread="far"></colloquy-comments>
        </div>`,
      );
      const el = wrapper.querySelector('colloquy-comments')!;
      await settle(el);
      await new Promise((r) => setTimeout(r, 100));
      expect(fake.requests, 'nothing fetched while far away').to.have.length(0);
      expect($(el, '[part~="skeleton"]'), 'space is reserved').to.exist;
      el.scrollIntoView();
      await waitUntil(() => fake.requests.length === 1, 'fetched once near the viewport');
      await waitUntil(() => ids(el).length === 1);
      window.scrollTo(0, 0);
    });

    it('loads at once with loading="eager", wherever it is', async () => {
      const wrapper = await fixture(
        html`<div>
          <div style="height: 5000px"></div>
          <colloquy-comments endpoint=${fake.base} thread="far" loading="eager"></colloquy-comments>
        </div>`,
      );
      await waitUntil(() => fake.requests.length === 1);
      expect(wrapper).to.exist;
    });

    it('loads the new thread when the thread attribute changes (single-page sites)', async () => {
      fake.comments = tops(1);
      const el = await renderWidget(fake, 'episode-1');
      el.setAttribute('thread', 'episode-2');
      await waitUntil(() => fake.requests.length === 2);
      expect(fake.requests[1].url.searchParams.get('thread')).to.equal('episode-2');
    });
  });

  describe('safe formatting', () => {
    const bodyOf = async (text: string) => {
      fake.comments = [makeComment({ id: '1', body: text })];
      const el = await renderWidget(fake);
      return $(el, '#comment-1 [part~="comment-body"]');
    };

    it('renders paragraphs, line breaks, emphasis, strong, code, fenced code and quotes', async () => {
      const body = await bodyOf(
        'Hello *there* and **you**, try `npm test`.\nSecond line.\n\n> quoted *text*\n> more\n\n```\nconst a = 1 < 2;\n**not bold**\n```',
      );
      expect(body.querySelectorAll(':scope > p')).to.have.length(1);
      expect(body.querySelector('em')!.textContent).to.equal('there');
      expect(body.querySelector('strong')!.textContent).to.equal('you');
      expect(body.querySelector('p > code')!.textContent).to.equal('npm test');
      expect(body.querySelectorAll(':scope > p br')).to.have.length(1);
      const quote = body.querySelector('blockquote')!;
      expect(quote.textContent!.trim()).to.equal('quoted textmore');
      expect(quote.querySelectorAll('br'), 'the quote keeps its line break').to.have.length(1);
      expect(quote.querySelector('em')!.textContent).to.equal('text');
      expect(body.querySelector('pre code')!.textContent).to.equal('const a = 1 < 2;\n**not bold**');
      expect(body.querySelectorAll('pre strong')).to.have.length(0);
    });

    it('sets inline code at 0.9em or more of the text around it, not the browser’s 13px', async () => {
      const body = await bodyOf('Run `npm test` now.');
      const code = parseFloat(getComputedStyle(body.querySelector('code')!).fontSize);
      const text = parseFloat(getComputedStyle(body.querySelector('p')!).fontSize);
      expect(code / text).to.be.at.least(0.9);
    });

    it('auto-links http(s) and mailto URLs with rel="nofollow ugc noopener", without trailing punctuation', async () => {
      const body = await bodyOf('See https://example.com/a_(b)?x=1. Or (http://x.example/y), mail mailto:hi@example.com!');
      const links = Array.from(body.querySelectorAll('a'));
      expect(links.map((a) => a.getAttribute('href'))).to.deep.equal([
        'https://example.com/a_(b)?x=1',
        'http://x.example/y',
        'mailto:hi@example.com',
      ]);
      for (const a of links) expect(a.rel).to.equal('nofollow ugc noopener');
      expect(body.textContent).to.equal('See https://example.com/a_(b)?x=1. Or (http://x.example/y), mail mailto:hi@example.com!');
    });

    const hostile = [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'java\tscript:alert(1)',
      ' javascript:alert(1)',
      'javascript&colon;alert(1)',
      '&#106;avascript:alert(1)',
      'vbscript:msgbox(1)',
      'data:text/html,<script>alert(1)</script>',
      '[click](javascript:alert(1))',
      '<a href="javascript:alert(1)">x</a>',
      'https://ok.example/"><img src=x onerror=alert(1)>',
      '`unterminated code',
      '```\nunterminated fence <script>alert(1)</script>',
      '**bold *nested* still** and ***triple*** and ****',
      '*'.repeat(5000),
      '>'.repeat(50) + ' deep quote',
      '<script>window.pwned = 1</script>',
    ];
    for (const text of hostile) {
      it(`keeps hostile input inert: ${JSON.stringify(text.slice(0, 40))}`, async () => {
        (window as unknown as { pwned?: number }).pwned = 0;
        const started = performance.now();
        const body = await bodyOf(text);
        expect(performance.now() - started, 'linear, not catastrophic').to.be.below(2000);
        for (const a of body.querySelectorAll('a')) expect(a.protocol).to.be.oneOf(['http:', 'https:', 'mailto:']);
        expect(body.querySelectorAll('script, img, iframe, object, embed, svg')).to.have.length(0);
        expect((window as unknown as { pwned?: number }).pwned).to.equal(0);
        const words = (t: string) => t.replace(/[\s*`>]/g, '');
        expect(words(body.textContent!), 'the text itself is all there').to.contain(words(text).slice(0, 20));
      });
    }
  });

  describe('adversarial bodies (65,525 characters each, formatted in linear time)', () => {
    const MAX = 65525;
    const fill = (unit: string, head = '') => head + unit.repeat(Math.floor((MAX - head.length) / unit.length));
    const bodyOf = async (text: string) => {
      fake.comments = [makeComment({ id: '1', body: text })];
      const el = await renderWidget(fake);
      return $(el, '#comment-1 [part~="comment-body"]');
    };
    const flat = (t: string) => t.replace(/[\s*`]+/g, '');

    it('a link followed by 65,000 ")" is one link to the URL, the parentheses left as text', async () => {
      const text = fill(')', 'http://a.example/');
      const body = await bodyOf(text);
      const links = body.querySelectorAll('a');
      expect(links).to.have.length(1);
      expect(links[0].getAttribute('href')).to.equal('http://a.example/');
      expect(body.textContent).to.equal(text);
    });

    it('"http://" repeated is one inert link, all the text kept', async () => {
      const text = fill('http://');
      const body = await bodyOf(text);
      expect(body.textContent).to.equal(text);
      for (const a of body.querySelectorAll('a')) expect(a.protocol).to.equal('http:');
    });

    for (const [name, unit] of [
      ['runs of *', '*'],
      ['runs of _', '_'],
      ['runs of backticks', '`'],
      ['runs of [', '['],
      ['emphasis that never closes', '*a '],
      ['code that never closes', '`a '],
    ] as const) {
      it(`${name}: the text comes back whole`, async () => {
        const text = fill(unit, 'x');
        const body = await bodyOf(text);
        expect(flat(body.textContent!).length, 'the text itself is all there').to.equal(flat(text).length);
      });
    }

    it('a run of ">" nests at most three quotes and keeps the rest as text', async () => {
      const text = fill('>');
      const body = await bodyOf(text);
      expect(body.querySelectorAll('blockquote blockquote blockquote blockquote')).to.have.length(0);
      expect(body.querySelectorAll('blockquote blockquote blockquote')).to.have.length(1);
      expect(body.textContent!.length).to.equal(MAX - 3);
    });

    it('fences open and close in turn: code blocks up to the element budget, then the rest as text', async () => {
      const unit = '```\nx\n```\n';
      const body = await bodyOf(fill(unit));
      const blocks = body.querySelectorAll('pre code');
      expect(blocks.length).to.be.greaterThan(100);
      expect(blocks[0].textContent).to.equal('x');
      expect(body.querySelectorAll('*').length, 'elements made for one body').to.be.at.most(MAX_ELEMENTS);
      expect(body.lastChild!.textContent!.startsWith('```'), 'the rest is kept as typed').to.be.true;
      expect(getComputedStyle(body).whiteSpace, 'its line breaks still show').to.equal('pre-line');
    });

    it('timestamps are buttons up to the element budget, the rest plain text', async () => {
      const text = fill('1:23 ');
      const body = await bodyOf(text);
      const stamps = body.querySelectorAll('[part~="timestamp"]');
      expect(stamps.length).to.be.greaterThan(100);
      expect(stamps.length).to.be.below(MAX_ELEMENTS);
      expect((stamps[0] as HTMLElement).dataset.seek).to.equal('83');
      expect(body.textContent!.length, 'all the text is there').to.equal(text.length);
    });

    for (const [name, unit] of [
      ['line breaks', 'a\n'],
      ['emphasis, repeated', '*a* '],
      ['code, repeated', '`a` '],
      ['links, repeated', 'http://a.b/ '],
      ['quote lines', '> a\n'],
    ] as const) {
      it(`${name}: at most ${MAX_ELEMENTS} elements, the text kept`, async () => {
        const text = fill(unit);
        const body = await bodyOf(text);
        expect(body.querySelectorAll('*').length).to.be.at.most(MAX_ELEMENTS);
        expect(flat(body.textContent!).length).to.equal(flat(text.replace(/^> ?/gm, '')).length);
      });
    }

    it('formats a body once per version: typing in the form does not format it again', async () => {
      const text = fill(')', 'http://a.example/');
      const el = await renderWidget(fake, 'episode-1');
      fake.comments = [makeComment({ id: '1', body: text })];
      await el.load();
      await el.updateComplete;
      const split = String.prototype.split;
      let formatted = 0;
      String.prototype.split = function (this: string, ...args: Parameters<typeof split>) {
        if (this.length >= MAX - 10) formatted++;
        return split.apply(this, args);
      } as typeof split;
      try {
        const box = $<HTMLTextAreaElement>(el, '#body');
        for (const value of ['G', 'Gr', 'Gre', 'Grea', 'Great']) {
          box.value = value;
          box.dispatchEvent(new Event('input'));
          await el.updateComplete;
        }
      } finally {
        String.prototype.split = split;
      }
      expect(formatted, 'the body was formatted again while typing').to.equal(0);
    });
  });

  describe('podcast timestamps', () => {
    let audio: HTMLAudioElement;
    beforeEach(() => {
      audio = document.createElement('audio');
      // A silent WAV made here, 10 minutes long, so seeking has somewhere to go.
      audio.src = silentWavUrl(600);
      audio.preload = 'auto';
      document.body.append(audio);
    });
    afterEach(() => audio.remove());

    it('turns 12:34 and 1:02:03 into buttons that seek the page’s player and play', async () => {
      fake.comments = [makeComment({ id: '1', body: 'Best bit at 2:05, and 1:02:03 and 12:34! Not 12:345, 1:60 or 10:99:00.' })];
      const el = await renderWidget(fake);
      const stamps = $$<HTMLButtonElement>(el, '[part~="timestamp"]');
      expect(stamps.map((b) => b.textContent)).to.deep.equal(['2:05', '1:02:03', '12:34']);
      await waitUntil(() => audio.readyState >= 1, 'audio metadata');
      stamps[0].focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => Math.round(audio.currentTime) === 125);
      expect(audio.paused).to.be.false;
      audio.pause();
    });

    it('brings the player into view when a timestamp plays it', async () => {
      const spacer = document.createElement('div');
      spacer.style.height = '4000px';
      document.body.append(audio, spacer);
      audio.controls = true;
      try {
        fake.comments = [makeComment({ id: '1', body: 'At 0:05' })];
        const el = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>`);
        await waitUntil(() => $(el, '[part~="timestamp"]'));
        await waitUntil(() => audio.readyState >= 1);
        el.scrollIntoView();
        const start = audio.getBoundingClientRect();
        expect(start.bottom <= 0 || start.top >= innerHeight, 'the player starts off-screen').to.be.true;
        $<HTMLButtonElement>(el, '[part~="timestamp"]').click();
        await waitUntil(() => {
          const box = audio.getBoundingClientRect();
          return box.top >= 0 && box.bottom <= innerHeight;
        }, 'the player stayed off-screen', { timeout: 3000 });
        audio.pause();
      } finally {
        spacer.remove();
        window.scrollTo(0, 0);
      }
    });

    it('ignores a timestamp past the end of the media', async () => {
      fake.comments = [makeComment({ id: '1', body: 'At 1:02:03' })];
      const el = await renderWidget(fake);
      await waitUntil(() => audio.readyState >= 1);
      audio.currentTime = 30;
      $<HTMLButtonElement>(el, '[part~="timestamp"]').click();
      await new Promise((r) => setTimeout(r, 100));
      expect(audio.currentTime).to.equal(30);
      expect(audio.paused).to.be.true;
    });

    it('lets a custom player take over through the cancelable colloquy-seek event', async () => {
      fake.comments = [makeComment({ id: '1', body: 'At 0:42' })];
      const el = await renderWidget(fake);
      const seen = oneEvent(el, 'colloquy-seek');
      el.addEventListener('colloquy-seek', (e) => e.preventDefault(), { once: true });
      $<HTMLButtonElement>(el, '[part~="timestamp"]').click();
      const event = (await seen) as ColloquyEvent<'colloquy-seek'>;
      expect(event.detail).to.deep.equal({ seconds: 42 });
      expect(event.cancelable && event.bubbles && event.composed).to.be.true;
      expect(audio.currentTime).to.equal(0);
    });

    it('uses the player the `player` attribute names', async () => {
      const other = document.createElement('video');
      other.id = 'episode-video';
      other.src = silentWavUrl(600);
      document.body.append(other);
      try {
        fake.comments = [makeComment({ id: '1', body: 'At 0:10' })];
        const el = await fixture<ColloquyComments>(
          html`<colloquy-comments endpoint=${fake.base} thread="t" player="#episode-video" loading="eager"></colloquy-comments>`,
        );
        await waitUntil(() => $(el, '[part~="timestamp"]'));
        await waitUntil(() => other.readyState >= 1);
        $<HTMLButtonElement>(el, '[part~="timestamp"]').click();
        await waitUntil(() => Math.round(other.currentTime) === 10);
        expect(audio.currentTime).to.equal(0);
        other.pause();
      } finally {
        other.remove();
      }
    });

    it('offers "Add current time", inserting the player’s position at the cursor', async () => {
      const el = await renderWidget(fake);
      await waitUntil(() => audio.readyState >= 1);
      audio.currentTime = 334;
      const box = $<HTMLTextAreaElement>(el, '#body');
      box.value = 'Loved the bit at';
      box.dispatchEvent(new Event('input'));
      box.setSelectionRange(box.value.length, box.value.length);
      const add = $<HTMLButtonElement>(el, '[part~="add-time"]');
      expect(add.textContent).to.equal('Add current time');
      add.click();
      await settle(el);
      expect(box.value).to.equal('Loved the bit at 5:34 ');
      expect(activeInShadow(el)).to.equal(box);
    });

    it('offers no "Add current time" on a page without a player', async () => {
      audio.remove();
      const el = await renderWidget(fake);
      expect($(el, '[part~="add-time"]')).to.not.exist;
    });
  });
});

/** An object URL of a WAV of silence, the same the demo serves. */
function silentWavUrl(seconds: number): string {
  return URL.createObjectURL(new Blob([silentWav(seconds, 8000)], { type: 'audio/wav' }));
}

describe('<colloquy-comments> permalinks', () => {
  let fake: FakeEndpoint;
  beforeEach(() => {
    fake = new FakeEndpoint();
  });
  afterEach(() => {
    fake.restore();
    history.replaceState(null, '', location.pathname + location.search);
  });

  it('opens at #comment-<id>: loads pages until it finds the comment, scrolls to it and highlights it', async () => {
    fake.comments = tops(9);
    history.replaceState(null, '', '#comment-8');
    const wrapper = await fixture(
      html`<div>
        <div style="height: 3000px"></div>
        <colloquy-comments endpoint=${fake.base} thread="t" page-size="3"></colloquy-comments>
      </div>`,
    );
    const el = wrapper.querySelector('colloquy-comments')!;
    await waitUntil(() => $(el, '#comment-8')?.classList.contains('highlight'), 'comment 8 highlighted', { timeout: 3000 });
    expect(fake.requests.length, 'three pages').to.equal(3);
    const box = $(el, '#comment-8').getBoundingClientRect();
    expect(box.top).to.be.within(0, innerHeight);
    window.scrollTo(0, 0);
  });

  it('follows a permalink clicked on the page', async () => {
    fake.comments = tops(3);
    const el = await renderWidget(fake);
    $<HTMLAnchorElement>(el, '#comment-2 [part~="comment-date"]').click();
    await waitUntil(() => $(el, '#comment-2').classList.contains('highlight'));
    expect(location.hash).to.equal('#comment-2');
  });

  it('offers "Copy link" on every comment, copying its permalink', async () => {
    fake.comments = tops(2);
    const el = await renderWidget(fake);
    const buttons = $$<HTMLButtonElement>(el, '[part~="copy-link"]');
    expect(buttons.map((b) => b.textContent)).to.deep.equal(['Copy link', 'Copy link']);
    let copied = '';
    const clipboard = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard')!;
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t: string) => void (copied = t) } });
    try {
      buttons[1].click();
      await waitUntil(() => copied);
      expect(copied).to.equal(`${location.origin}${location.pathname}${location.search}#comment-2`);
      await waitUntil(() => $(el, '[part~="status"]').textContent === 'Link copied.');
      Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: () => Promise.reject(new Error('denied')) } });
      buttons[0].click();
      await waitUntil(() => $(el, '[part~="status"]').textContent === 'The link is now in the address bar.');
      expect(location.hash).to.equal('#comment-1');
    } finally {
      delete (navigator as unknown as Record<string, unknown>).clipboard;
      Object.defineProperty(Navigator.prototype, 'clipboard', clipboard);
    }
  });

  it('says "Link copied." on the button itself for 2 seconds', async () => {
    fake.comments = tops(1);
    const el = await renderWidget(fake);
    const button = $<HTMLButtonElement>(el, '[part~="copy-link"]');
    const clipboard = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard')!;
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async () => undefined } });
    try {
      button.click();
      await waitUntil(() => button.textContent === 'Link copied.', 'no feedback on the button');
      await new Promise((r) => setTimeout(r, 1500));
      expect(button.textContent).to.equal('Link copied.');
      await waitUntil(() => button.textContent === 'Copy link', 'the button did not come back', { timeout: 1500 });
    } finally {
      delete (navigator as unknown as Record<string, unknown>).clipboard;
      Object.defineProperty(Navigator.prototype, 'clipboard', clipboard);
    }
  });

  it('keeps a deleted comment’s place for its replies: "This comment was deleted."', async () => {
    fake.comments = [
      makeComment({ id: '1', status: 'deleted', body: '', author: { name: '', url: null, avatar: '' } }),
      makeComment({ id: '2', parentId: '1', body: 'Still here' }),
    ];
    // The page exactly as the server sends it: the placeholder with its reply.
    fake.getReplies = [{ status: 200, body: { thread: 't', count: 1, comments: fake.comments, nextCursor: null } }];
    const el = await renderWidget(fake);
    const placeholder = $(el, '#comment-1');
    expect(placeholder.getAttribute('part')).to.equal('comment deleted');
    expect(placeholder.textContent!.trim()).to.equal('This comment was deleted.');
    expect(placeholder.querySelector('[part~="reply-button"]')).to.equal(null);
    expect($(el, '#comment-2').closest('ol')!.closest('li')!.querySelector('article')!.id).to.equal('comment-1');
    await expect(el).to.be.accessible();
  });
});
