import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { ColloquyComments } from '../../src/components/comments/colloquy-comments.js';
import type { ColloquyEvent } from '../../src/events/events.js';
import { FakeEndpoint, fixtureThread, makeComment } from './fake-endpoint.js';
import { $, $$, activeInShadow, fillValid, renderWidget, settle, submit, type } from './helpers.js';

describe('<colloquy-comments>', () => {
  let fake: FakeEndpoint;
  beforeEach(() => {
    fake = new FakeEndpoint();
  });
  afterEach(() => fake.restore());

  describe('accessibility', () => {
    it('should pass accessibility tests when the thread is empty', async () => {
      const el = await renderWidget(fake);
      await expect(el).to.be.accessible();
    });

    it('should pass accessibility tests with a loaded thread of nested replies', async () => {
      fake.comments = fixtureThread();
      const el = await renderWidget(fake);
      await expect(el).to.be.accessible();
    });

    it('should pass accessibility tests showing validation errors', async () => {
      const el = await renderWidget(fake);
      await submit(el);
      expect($$(el, '[part~="error"]').length).to.be.greaterThan(0);
      await expect(el).to.be.accessible();
    });

    it('should pass accessibility tests while replying', async () => {
      fake.comments = fixtureThread();
      const el = await renderWidget(fake);
      $<HTMLButtonElement>(el, '[data-reply-to="2"]').click();
      await el.updateComplete;
      expect($(el, '[part~="form-heading"]').textContent).to.equal('Reply to Grace Hopper');
      await expect(el).to.be.accessible();
    });
  });

  describe('thread', () => {
    it('shows a skeleton while loading, then the thread without a jump of the form', async () => {
      fake.getReplies = ['hold'];
      const el = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread="t"></colloquy-comments>`);
      await el.updateComplete;
      expect($(el, '[part~="skeleton"]')).to.exist;
      expect($(el, 'section').getAttribute('aria-busy')).to.equal('true');
      // Its chunk comes when the page does, or soon after the request if the page takes its time.
      await waitUntil(() => $(el, '[part~="form"]'), 'form is usable while the thread loads');
      expect($(el, '[part~="skeleton"]'), 'the thread still loading').to.exist;
      fake.comments = [makeComment({ id: '1' })];
      fake.getReplies = [];
      fake.release();
      await waitUntil(() => !$(el, '[part~="skeleton"]'));
      expect($$(el, '[part~="comment"]')).to.have.length(1);
      expect($(el, 'section').getAttribute('aria-busy')).to.equal('false');
    });

    it('reads "No comments yet", "1 Comment", "2 Comments"', async () => {
      // Each removed before the next, so none is pushed out of the lazy-loading range by the others.
      let el = await renderWidget(fake);
      expect($(el, '[part~="heading"]').textContent).to.equal('No comments yet');
      el.remove();
      fake.comments = [makeComment({ id: '1' })];
      el = await renderWidget(fake);
      expect($(el, '[part~="heading"]').textContent).to.equal('1 Comment');
      el.remove();
      fake.comments = [makeComment({ id: '1' }), makeComment({ id: '2' })];
      el = await renderWidget(fake);
      expect($(el, '[part~="heading"]').textContent).to.equal('2 Comments');
    });

    it('asks the endpoint for its thread, with no cookies', async () => {
      await renderWidget(fake, 'podcast/ep-7');
      const get = fake.requests[0];
      expect(get.method).to.equal('GET');
      expect(get.url.origin + get.url.pathname).to.equal(`${fake.base}/comments`);
      expect(get.url.searchParams.get('thread')).to.equal('podcast/ep-7');
    });

    it('defaults the thread to the canonical link path, else the page path', async () => {
      let el = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base}></colloquy-comments>`);
      expect(el.threadKey).to.equal(location.pathname);
      const link = Object.assign(document.createElement('link'), { rel: 'canonical', href: 'https://show.example/episodes/42/' });
      document.head.append(link);
      try {
        el = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base}></colloquy-comments>`);
        await settle(el);
        expect(el.threadKey).to.equal('/episodes/42/');
        expect(fake.requests.at(-1)!.url.searchParams.get('thread')).to.equal('/episodes/42/');
      } finally {
        link.remove();
      }
    });

    it('renders author, website link, avatar, permalinked date and body with paragraphs and line breaks', async () => {
      fake.comments = fixtureThread();
      const el = await renderWidget(fake);
      const first = $(el, '#comment-1');
      const author = first.querySelector<HTMLAnchorElement>('[part~="comment-author"]')!;
      expect(author.tagName).to.equal('A');
      expect(author.href).to.equal('https://ada.example/');
      expect(author.rel).to.equal('nofollow ugc noopener');
      expect(author.textContent).to.equal('Ada Lovelace');
      expect($(el, '#comment-2 [part~="comment-author"]').tagName, 'no website, no link').to.equal('SPAN');

      const date = first.querySelector<HTMLAnchorElement>('[part~="comment-date"]')!;
      expect(date.getAttribute('href')).to.equal('#comment-1');
      expect(date.querySelector('time')!.getAttribute('datetime')).to.equal(fake.comments[0].createdAt);
      expect(date.textContent!.trim()).to.match(/2026/);

      const paragraphs = first.querySelectorAll('[part~="comment-body"] p');
      expect(paragraphs).to.have.length(2);
      expect(paragraphs[0].querySelectorAll('br')).to.have.length(1);
      expect(paragraphs[0].textContent).to.equal('First paragraph.Second line.');

      const avatar = first.querySelector('[part~="comment-avatar"]')!;
      expect(avatar.textContent).to.equal('AL');
      expect(avatar.getAttribute('aria-hidden')).to.equal('true');
      expect(first.querySelector('[part~="reply-button"]')!.textContent!.trim()).to.equal('Reply');
    });

    it('draws the same avatar for the same seed and never loads an image from elsewhere', async () => {
      fake.comments = [
        makeComment({ id: '1', author: { name: 'Sam', url: null, avatar: 'same-seed' } }),
        makeComment({ id: '2', author: { name: 'Sam', url: null, avatar: 'same-seed' } }),
        makeComment({ id: '3', author: { name: 'Sam', url: null, avatar: 'other-seed' } }),
      ];
      const el = await renderWidget(fake);
      const styles = $$(el, '[part~="comment-avatar"]').map((a) => a.getAttribute('style'));
      expect(styles[0]).to.equal(styles[1]);
      expect(styles[0]).not.to.equal(styles[2]);
      expect($$(el, 'img')).to.have.length(0);
      expect(performance.getEntriesByType('resource').filter((r) => !r.name.startsWith(location.origin))).to.have.length(0);
    });

    it('only makes http(s) websites into links', async () => {
      fake.comments = [
        makeComment({ id: '1', author: { name: 'Evil', url: 'javascript:alert(1)', avatar: 'x' } }),
        makeComment({ id: '2', author: { name: 'Data', url: 'data:text/html,<script>alert(1)</script>', avatar: 'x' } }),
        makeComment({ id: '3', author: { name: 'Plain', url: 'http://plain.example/', avatar: 'x' } }),
      ];
      const el = await renderWidget(fake);
      const tags = $$(el, '[part~="comment-author"]').map((a) => a.tagName);
      expect(tags).to.deep.equal(['SPAN', 'SPAN', 'A']);
    });

    it('nests replies under their parent up to max-depth, then keeps them at that level', async () => {
      fake.comments = fixtureThread();
      const el = await renderWidget(fake);
      const depthOf = (id: string) => {
        let depth = 0;
        for (let node: Element | null = $(el, `#comment-${id}`); node; node = node.parentElement) if (node.matches('ol')) depth++;
        return depth;
      };
      expect(depthOf('1')).to.equal(1);
      expect(depthOf('3')).to.equal(2);
      expect(['10', '11', '12', '13'].map(depthOf)).to.deep.equal([2, 3, 4, 5]);
      expect(depthOf('14'), 'a reply to the deepest level stays there').to.equal(5);
      expect(depthOf('15')).to.equal(5);
      const list = $(el, '#comment-13').closest('ol')!;
      expect($(el, '#comment-14').closest('ol')).to.equal(list);
      expect($(el, '#comment-3').closest('li')!.parentElement!.getAttribute('part')).to.equal('list replies');
    });

    it('honours a smaller max-depth', async () => {
      fake.comments = fixtureThread();
      const el = await renderWidget(fake, 'episode-1', { maxDepth: 2 });
      expect($(el, '#comment-12').closest('ol')).to.equal($(el, '#comment-10').closest('ol'));
      expect($$(el, 'ol ol ol')).to.have.length(0);
    });

    it('shows a clear error with a Retry button when loading fails, and retries', async () => {
      fake.getReplies = [{ status: 500, body: { error: { code: 'server_error', message: 'boom' } } }];
      fake.comments = [makeComment({ id: '1' })];
      const errored = oneEvent(document, 'colloquy-error');
      const el = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread="t"></colloquy-comments>`);
      const event = (await errored) as ColloquyEvent<'colloquy-error'>;
      expect(event.detail.code).to.equal('server_error');
      await el.updateComplete;
      expect($(el, '[part~="load-error"]').textContent).to.contain('Comments could not be loaded.');
      await expect(el).to.be.accessible();
      $<HTMLButtonElement>(el, '[part~="retry-button"]').click();
      await waitUntil(() => $$(el, '[part~="comment"]').length === 1);
      expect($(el, '[part~="heading"]').textContent).to.equal('1 Comment');
    });

    it('fires colloquy-loaded with the count', async () => {
      fake.comments = fixtureThread();
      const loaded = oneEvent(document, 'colloquy-loaded');
      await fixture(html`<colloquy-comments endpoint=${fake.base} thread="t"></colloquy-comments>`);
      const event = (await loaded) as ColloquyEvent<'colloquy-loaded'>;
      expect(event.detail.count).to.equal(fake.comments.length);
      expect(event.bubbles && event.composed).to.be.true;
    });

    it('renders hostile names, websites and bodies as inert text', async () => {
      (window as unknown as { pwned: number }).pwned = 0;
      fake.comments = [
        makeComment({
          id: '1',
          author: { name: '<img src=x onerror="window.pwned=1">', url: 'javascript:window.pwned=2', avatar: '"><svg onload=window.pwned=3>' },
          body: '<script>window.pwned=4</script>\n\n<b onmouseover="window.pwned=5">bold</b> ${window.pwned=6} {{7*7}}',
        }),
      ];
      const el = await renderWidget(fake);
      await new Promise((r) => setTimeout(r, 50));
      expect((window as unknown as { pwned: number }).pwned).to.equal(0);
      expect($$(el, 'script, img, svg, b, iframe')).to.have.length(0);
      const comment = $(el, '#comment-1');
      expect(comment.querySelector('[part~="comment-author"]')!.textContent).to.equal('<img src=x onerror="window.pwned=1">');
      expect(comment.querySelector('[part~="comment-body"]')!.textContent).to.contain('<script>window.pwned=4</script>');
    });
  });

  describe('endpoint data it cannot trust', () => {
    it('renders every well-formed comment and skips malformed, orphaned, cyclic and duplicate ones with one console message', async () => {
      const good = makeComment({ id: '1', body: 'Well formed' });
      fake.getReplies = [
        {
          status: 200,
          body: {
            thread: 't',
            count: 3,
            nextCursor: null,
            comments: [
              good,
              makeComment({ id: '2', parentId: '1', body: 'A good reply' }),
              { id: '91', parentId: null, body: 'no author', createdAt: good.createdAt, status: 'approved' },
              { ...makeComment({ id: '92' }), body: 42 },
              { ...makeComment({ id: '93' }), author: { name: null, url: null, avatar: 'a' } },
              makeComment({ id: '94', parentId: 'nowhere' }),
              makeComment({ id: '95', parentId: '95' }),
              makeComment({ id: '96', parentId: '97' }),
              makeComment({ id: '97', parentId: '96' }),
              { ...makeComment({ id: '1' }), body: 'a duplicate id' },
              null,
              'not a comment',
              makeComment({ id: '3', body: 'Also well formed' }),
            ],
          },
        },
      ];
      const warnings: string[] = [];
      const warn = console.warn;
      console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
      let el: ColloquyComments;
      try {
        el = await renderWidget(fake, 't');
      } finally {
        console.warn = warn;
      }
      expect($$(el, '[part~="comment"]').map((a) => a.id)).to.deep.equal(['comment-1', 'comment-2', 'comment-3']);
      expect($(el, '#comment-1 [part~="comment-body"]').textContent).to.equal('Well formed');
      expect($(el, '[part~="heading"]').textContent).to.equal('3 Comments');
      const skipped = warnings.filter((w) => w.startsWith('[colloquy]'));
      expect(skipped).to.have.length(1);
      expect(skipped[0]).to.contain('10');
    });

    it('is never left on "Loading comments…" by a page that is not one', async () => {
      fake.getReplies = [{ status: 200, body: { comments: 'nope' } }];
      const el = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>`);
      await waitUntil(() => $(el, '[part~="load-error"]'), 'still loading');
      expect($(el, '[part~="heading"]').textContent).not.to.equal('Loading comments…');
    });
  });

  describe('an endpoint that does not allow this site', () => {
    it('says so, instead of "No comments yet" and "offline", and tells the site owner what to set', async () => {
      fake.refuseOrigin = true;
      fake.comments = [makeComment({ id: '1' })];
      const warnings: string[] = [];
      const warn = console.warn;
      console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
      try {
        const errored = oneEvent(document, 'colloquy-error');
        const el = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>`);
        expect(((await errored) as ColloquyEvent<'colloquy-error'>).detail.code).to.equal('forbidden_origin');
        await waitUntil(() => $(el, '[part~="load-error"]'));
        expect($(el, '[part~="load-error"]').textContent).to.contain('This site is not allowed to show comments from its comment server.');
        expect(el.shadowRoot!.textContent).not.to.contain('No comments yet');
        expect(el.shadowRoot!.textContent).not.to.contain('could not be loaded');
        await expect(el).to.be.accessible();
        await fillValid(el);
        await submit(el);
        await waitUntil(() => $(el, '.form-error'));
        expect($(el, '.form-error').textContent).to.equal('This site is not allowed to show comments from its comment server.');
      } finally {
        console.warn = warn;
      }
      const hint = warnings.find((w) => w.includes('COLLOQUY_ORIGINS'));
      expect(hint, 'a hint naming COLLOQUY_ORIGINS').to.exist;
      expect(hint).to.match(/^\[colloquy\]/);
      expect(hint).to.contain(location.origin);
    });
  });

  describe('page size', () => {
    it('falls back to 100 when the endpoint refuses page-size="500", and says so once in the console', async () => {
      fake.maxLimit = 100;
      fake.comments = Array.from({ length: 120 }, (_, i) => makeComment({ id: String(i + 1) }));
      const warnings: string[] = [];
      const warn = console.warn;
      console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
      let el: ColloquyComments;
      try {
        el = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread="t" page-size="500" loading="eager"></colloquy-comments>`);
        await waitUntil(() => $$(el, '[part~="comment"]').length === 100, 'the widget broke on a refused page size');
        $<HTMLButtonElement>(el, '[part~="load-more"]').click();
        await waitUntil(() => $$(el, '[part~="comment"]').length === 120);
      } finally {
        console.warn = warn;
      }
      const limits = fake.requests.map((r) => r.url.searchParams.get('limit'));
      expect(limits).to.deep.equal(['500', '100', '100']);
      expect(warnings.filter((w) => w.startsWith('[colloquy]') && w.includes('100'))).to.have.length(1);
    });

    it('uses the limit the endpoint reports, and asks an endpoint that accepts 1,000 for 1,000', async () => {
      fake.comments = Array.from({ length: 1000 }, (_, i) => makeComment({ id: String(i + 1) }));
      const el = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread="t" page-size="1000" loading="eager"></colloquy-comments>`);
      await waitUntil(() => $$(el, '[part~="comment"]').length === 1000);
      expect(fake.requests[0].url.searchParams.get('limit')).to.equal('1000');
      expect($(el, '[part~="load-more"]')).to.equal(null);
    });
  });

  describe('first connection', () => {
    it('applies the saved sort and details to an element created in one task and added in a later one', async () => {
      localStorage.setItem('colloquy-sort', '"newest"');
      localStorage.setItem('colloquy-author', JSON.stringify({ name: 'Jane', email: 'jane@example.com', url: '' }));
      fake.comments = [makeComment({ id: '1' }), makeComment({ id: '2' })];
      const el = document.createElement('colloquy-comments');
      el.endpoint = fake.base;
      el.thread = 't';
      el.loading = 'eager';
      await new Promise((r) => setTimeout(r, 20));
      document.body.append(el);
      try {
        await waitUntil(() => $$(el, '[part~="comment"]').length === 2);
        expect(fake.requests[0].url.searchParams.get('sort')).to.equal('newest');
        await waitUntil(() => $(el, '[part~="identity"]'), 'the form did not come');
        expect($(el, '[part~="identity"]').textContent).to.contain('Jane');
      } finally {
        el.remove();
      }
    });
  });

  describe('form', () => {
    it('has labelled fields, required marks, the notices, the notice slot and the button', async () => {
      const el = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread="t"
        ><p slot="notice">This site uses Akismet to reduce spam.</p></colloquy-comments
      >`);
      await settle(el);
      expect($(el, '[part~="form-heading"]').textContent).to.equal('Leave a Comment');
      const labels = $$(el, '[part~="label"]').map((l) => l.textContent!.replace(/\s+/g, ' ').trim());
      expect(labels).to.deep.equal(['Comment *', 'Name *', 'Email *', 'Website']);
      for (const id of ['body', 'name', 'email', 'url']) expect($(el, `label[for="${id}"]`), id).to.exist;
      expect($<HTMLInputElement>(el, '#url').required).to.be.false;
      expect($<HTMLInputElement>(el, '#email').required).to.be.true;
      expect($(el, '[part~="privacy-notice"]').textContent!.replace(/\s+/g, ' ').trim()).to.equal(
        'Your email address will not be published. Required fields are marked *',
      );
      const slot = $<HTMLSlotElement>(el, 'slot[name="notice"]');
      expect(slot.assignedElements()[0].textContent).to.equal('This site uses Akismet to reduce spam.');
      expect($(el, '[part~="remember"]').textContent).to.contain('Save my name, email, and website in this browser for the next time I comment.');
      expect($(el, '[part~="submit"]').textContent!.trim()).to.equal('Post Comment');
    });

    it('hides the save-details checkbox with no-remember', async () => {
      const el = await renderWidget(fake, 't', { noRemember: true });
      expect($(el, '[part~="remember"]')).to.not.exist;
    });
  });

  describe('validation', () => {
    it('sends nothing while required fields are empty, and says so next to each field', async () => {
      const el = await renderWidget(fake);
      const before = fake.requests.length;
      await submit(el);
      await settle(el);
      expect(fake.requests.length).to.equal(before);
      for (const [field, message] of [
        ['body', 'Please type your comment.'],
        ['name', 'Please enter your name.'],
        ['email', 'Please enter your email address.'],
      ]) {
        const control = $(el, `#${field}`);
        expect(control.getAttribute('aria-invalid'), field).to.equal('true');
        const describedBy = control.getAttribute('aria-describedby')!;
        expect($(el, `#${describedBy}`).textContent).to.equal(message);
        expect($(el, `#${describedBy}`).getAttribute('part')).to.equal('error');
      }
      expect($(el, '#url').getAttribute('aria-invalid')).to.equal('false');
      expect(activeInShadow(el)?.id, 'focus on the first invalid field').to.equal('body');
      expect($(el, '[part~="status"]').textContent).to.equal('Please correct the 3 highlighted fields.');
    });

    it('counts whitespace-only as empty, through the constraint validation API', async () => {
      const el = await renderWidget(fake);
      await type(el, 'body', '   \n\t ');
      await type(el, 'name', '   ');
      await type(el, 'email', 'jane@example.com');
      await submit(el);
      await settle(el);
      expect(fake.posts).to.have.length(0);
      expect($<HTMLTextAreaElement>(el, '#body').validity.valid).to.be.false;
      expect($<HTMLTextAreaElement>(el, '#body').validationMessage).to.equal('Please type your comment.');
      expect($(el, '#name').getAttribute('aria-invalid')).to.equal('true');
      expect($(el, '#email').getAttribute('aria-invalid')).to.equal('false');
    });

    for (const email of ['jane', 'jane@', '@example.com', 'jane@example', 'jane example@x.com', 'jane@@example.com']) {
      it(`refuses the malformed email "${email}"`, async () => {
        const el = await renderWidget(fake);
        await fillValid(el);
        await type(el, 'email', email);
        await submit(el);
        await settle(el);
        expect(fake.posts).to.have.length(0);
        expect($(el, '#email-error').textContent).to.equal('Please enter a valid email address.');
        expect(activeInShadow(el)?.id).to.equal('email');
        expect($(el, '[part~="status"]').textContent).to.equal('Please correct the highlighted field.');
      });
    }

    for (const url of ['javascript:alert(1)', 'ftp://files.example.com', 'www.example.com', 'data:text/html,hi', 'https://', 'http://user:pass@example.com/', 'https://me@example.com']) {
      it(`refuses the website "${url}"`, async () => {
        const el = await renderWidget(fake);
        await fillValid(el);
        await type(el, 'url', url);
        await submit(el);
        await settle(el);
        expect(fake.posts).to.have.length(0);
        expect($(el, '#url-error').textContent).to.equal('Please enter a web address starting with http:// or https://.');
      });
    }

    it('clears a field error once it is fixed, and then posts', async () => {
      const el = await renderWidget(fake);
      await submit(el);
      // The writer is fetched on the first press: its checks land when it is here.
      await waitUntil(() => $$(el, '[part~="error"]').length === 3, 'the three required fields are flagged');
      await fillValid(el);
      await waitUntil(() => $$(el, '[part~="error"]').length === 0, 'each error goes once its field is right');
      await submit(el);
      await waitUntil(() => fake.posts.length === 1);
    });
  });

  describe('posting', () => {
    it('shows "Posting…", then the new comment in place, clears the box and announces it', async () => {
      fake.comments = [makeComment({ id: '1' })];
      const el = await renderWidget(fake);
      await fillValid(el, 'Line one\nline two');
      fake.postReplies = ['hold'];
      await submit(el);
      await waitUntil(() => fake.posts.length === 1);
      const button = $<HTMLButtonElement>(el, '[part~="submit"]');
      expect(button.disabled).to.be.true;
      expect(button.textContent!.trim()).to.equal('Posting…');
      expect($(el, '[part~="form"]').getAttribute('aria-busy')).to.equal('true');
      const posted = oneEvent(el, 'colloquy-posted');
      fake.release();
      const event = (await posted) as ColloquyEvent<'colloquy-posted'>;
      await settle(el);
      expect($$(el, '[part~="comment"]')).to.have.length(2);
      const added = $(el, `#comment-${event.detail.comment.id}`);
      expect(added.querySelector('[part~="comment-body"]')!.textContent).to.equal('Line oneline two');
      expect($(el, '[part~="heading"]').textContent).to.equal('2 Comments');
      expect($<HTMLTextAreaElement>(el, '#body').value).to.equal('');
      expect(button.disabled).to.be.false;
      expect($(el, '[part~="status"]').textContent).to.equal('Comment posted.');
      expect(activeInShadow(el)).to.equal(added);
      const sent = fake.lastPost;
      expect(sent).to.include({ thread: 'episode-1', parentId: null, body: 'Line one\nline two' });
      expect(sent.author).to.deep.equal({ name: 'Jane Listener', email: 'jane@example.com' });
      expect(fake.posts[0].headers.get('content-type')).to.equal('application/json');
    });

    it('shows a pending comment with "Your comment is awaiting moderation." and does not count it', async () => {
      fake.newStatus = 'pending';
      const el = await renderWidget(fake);
      await fillValid(el);
      await submit(el);
      await waitUntil(() => $$(el, '[part~="comment"]').length === 1);
      expect($(el, '[part~="pending"]').textContent).to.equal('Your comment is awaiting moderation.');
      expect($(el, '[part~="heading"]').textContent).to.equal('No comments yet');
      expect($(el, '[part~="status"]').textContent).to.equal('Your comment is awaiting moderation.');
    });

    it('keeps showing a pending comment posted while the thread was still loading', async () => {
      fake.newStatus = 'pending';
      fake.getReplies = ['hold'];
      const el = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>`);
      await el.updateComplete;
      await fillValid(el);
      await submit(el);
      await waitUntil(() => fake.posts.length === 1);
      await settle(el);
      fake.getReplies = [];
      fake.release();
      await waitUntil(() => !$(el, '[part~="skeleton"]'));
      await settle(el);
      expect($(el, '[part~="pending"]')?.textContent).to.equal('Your comment is awaiting moderation.');
    });

    const failures: Array<[string, Parameters<FakeEndpoint['postReplies']['push']>[0], string, string]> = [
      ['offline', 'offline', 'network', 'You seem to be offline. Your comment is kept; try again later.'],
      [
        '409',
        { status: 409, body: { error: { code: 'duplicate', message: 'dup' } } },
        'duplicate',
        "Duplicate comment detected; it looks as though you've already said that!",
      ],
      [
        '429',
        { status: 429, body: { error: { code: 'too_fast', message: 'slow' } }, headers: { 'Retry-After': '12' } },
        'too_fast',
        'You are posting comments too quickly. Slow down: try again in 12 seconds.',
      ],
      [
        '500',
        { status: 500, body: { error: { code: 'server_error', message: 'x' } } },
        'server_error',
        'The comment server failed. Your comment is kept; try again.',
      ],
      ['502 without a body', { status: 502, body: 'Bad gateway' }, 'server_error', 'The comment server failed. Your comment is kept; try again.'],
      ['404 parent', { status: 404, body: { error: { code: 'not_found', message: 'gone' } } }, 'not_found', 'The comment you are replying to is gone.'],
    ];
    for (const [name, reply, code, message] of failures) {
      it(`keeps the draft and says what happened on ${name}`, async () => {
        const el = await renderWidget(fake);
        await fillValid(el, 'My precious draft');
        fake.postReplies = [reply];
        const errored = oneEvent(el, 'colloquy-error');
        await submit(el);
        const event = (await errored) as ColloquyEvent<'colloquy-error'>;
        await settle(el);
        expect(event.detail).to.deep.equal({ code, message });
        expect($(el, '.form-error').textContent).to.equal(message);
        expect($(el, '[part~="status"]').textContent).to.equal(message);
        expect($<HTMLTextAreaElement>(el, '#body').value).to.equal('My precious draft');
        expect($<HTMLInputElement>(el, '#email').value).to.equal('jane@example.com');
        expect($$(el, '[part~="comment"]')).to.have.length(0);
        expect($<HTMLButtonElement>(el, '[part~="submit"]').disabled).to.be.false;
      });
    }

    it('puts the endpoint’s field errors on their fields', async () => {
      const el = await renderWidget(fake);
      await fillValid(el);
      fake.postReplies = [{ status: 400, body: { error: { code: 'invalid_request', message: 'bad', fields: { email: 'invalid', body: 'too_long' } } } }];
      await submit(el);
      await waitUntil(() => $(el, '#email-error'));
      expect($(el, '#email-error').textContent).to.equal('Please enter a valid email address.');
      expect($(el, '#body-error').textContent).to.equal('Please shorten this to 65,525 characters or fewer.');
      expect($(el, '#body').getAttribute('aria-invalid')).to.equal('true');
      expect(activeInShadow(el)?.id).to.equal('body');
      expect($<HTMLTextAreaElement>(el, '#body').value).to.equal('What a great episode.');
    });

    it('retries with the same idempotency key, and uses a new one for the next comment', async () => {
      const el = await renderWidget(fake);
      await fillValid(el);
      fake.postReplies = [{ status: 503, body: {} }, 'offline'];
      await submit(el);
      await waitUntil(() => $(el, '.form-error'));
      await submit(el);
      await waitUntil(() => fake.posts.length === 2 && !$<HTMLButtonElement>(el, '[part~="submit"]').disabled);
      await submit(el);
      await waitUntil(() => $$(el, '[part~="comment"]').length === 1);
      const keys = fake.posts.map((p) => JSON.parse(p.body!).idempotencyKey);
      expect(keys).to.have.length(3);
      expect(new Set(keys).size).to.equal(1);
      expect(keys[0]).to.match(/^[0-9a-f]{32}$/);
      await type(el, 'body', 'A second thought.');
      await submit(el);
      await waitUntil(() => fake.posts.length === 4);
      expect(JSON.parse(fake.posts[3].body!).idempotencyKey).not.to.equal(keys[0]);
    });

    it('keeps a draft across a reload until it is posted', async () => {
      fake.comments = fixtureThread();
      let el = await renderWidget(fake);
      $<HTMLButtonElement>(el, '[data-reply-to="2"]').click();
      await el.updateComplete;
      await type(el, 'body', 'Half-written reply');
      el.remove();
      el = await renderWidget(fake);
      expect($<HTMLTextAreaElement>(el, '#body').value).to.equal('Half-written reply');
      expect($(el, '[part~="form-heading"]').textContent, 'still a reply').to.equal('Reply to Grace Hopper');
      await fillValid(el, 'Half-written reply, finished');
      fake.postReplies = [{ status: 500, body: {} }];
      await submit(el);
      await waitUntil(() => $(el, '.form-error'));
      const key = fake.lastPost.idempotencyKey;
      el.remove();
      el = await renderWidget(fake);
      expect($<HTMLTextAreaElement>(el, '#body').value).to.equal('Half-written reply, finished');
      await fillValid(el, 'Half-written reply, finished');
      await submit(el);
      await waitUntil(() => fake.posts.length === 2);
      expect(fake.lastPost.idempotencyKey, 'the retry after reload is the same draft').to.equal(key);
      expect(fake.lastPost.parentId).to.equal('2');
      await settle(el);
      el.remove();
      el = await renderWidget(fake);
      expect($<HTMLTextAreaElement>(el, '#body').value, 'posted drafts are forgotten').to.equal('');
    });

    it('posts what is in the fields even when their input events came before the form’s code (or were never seen)', async () => {
      const el = await renderWidget(fake);
      // As a browser leaves a field typed into before the on-demand code arrived: the value, no event handled.
      for (const [field, value] of [['body', 'Typed before the code came.'], ['name', 'Early Bird'], ['email', 'early@example.com']]) {
        $<HTMLInputElement>(el, `#${field}`).value = value;
      }
      await submit(el);
      await waitUntil(() => fake.posts.length === 1, 'the typed comment was not posted');
      expect(fake.lastPost.body).to.equal('Typed before the code came.');
      expect(fake.lastPost.author).to.deep.include({ name: 'Early Bird', email: 'early@example.com' });
    });

    it('lets a colloquy-submit listener veto the post, and never puts the email in an event', async () => {
      const el = await renderWidget(fake);
      await fillValid(el);
      const seen: Event[] = [];
      const listen = (e: Event) => seen.push(e);
      for (const type of ['colloquy-submit', 'colloquy-posted', 'colloquy-error']) document.addEventListener(type, listen);
      try {
        el.addEventListener('colloquy-submit', (e) => e.preventDefault(), { once: true });
        await submit(el);
        await settle(el);
        expect(fake.posts).to.have.length(0);
        const veto = seen[0] as ColloquyEvent<'colloquy-submit'>;
        expect(veto.type).to.equal('colloquy-submit');
        expect(veto.cancelable && veto.bubbles && veto.composed).to.be.true;
        expect(veto.detail).to.deep.equal({ thread: 'episode-1', parentId: null, author: { name: 'Jane Listener', url: null }, body: 'What a great episode.' });
        await submit(el);
        await waitUntil(() => seen.some((e) => e.type === 'colloquy-posted'));
        fake.postReplies = [{ status: 409, body: { error: { code: 'duplicate', message: 'dup jane@example.com' } } }];
        await fillValid(el, 'again');
        await submit(el);
        await waitUntil(() => seen.some((e) => e.type === 'colloquy-error'));
        for (const event of seen) {
          expect(JSON.stringify((event as Event & { detail: unknown }).detail), event.type).not.to.contain('jane@example.com');
          expect(JSON.stringify((event as Event & { detail: unknown }).detail), event.type).not.to.contain('jane@');
        }
      } finally {
        for (const type of ['colloquy-submit', 'colloquy-posted', 'colloquy-error']) document.removeEventListener(type, listen);
      }
    });

    it('never renders the email in the shadow DOM after posting', async () => {
      const el = await renderWidget(fake);
      await fillValid(el);
      await submit(el);
      await waitUntil(() => $$(el, '[part~="comment"]').length === 1);
      expect(el.shadowRoot!.innerHTML).not.to.contain('jane@example.com');
      expect(el.shadowRoot!.textContent).not.to.contain('jane@example.com');
      expect(JSON.stringify(localStorage)).not.to.contain('jane@example.com');
      expect(JSON.stringify(sessionStorage)).not.to.contain('jane@example.com');
      expect(document.cookie).to.equal('');
    });
  });

  describe('spam defenses', () => {
    it('sends back the endpoint’s form token, and an empty honeypot for people', async () => {
      const el = await renderWidget(fake);
      await fillValid(el);
      await submit(el);
      await waitUntil(() => fake.posts.length === 1);
      expect(fake.lastPost.formToken).to.equal('signed-form-time');
      expect(fake.lastPost.honeypot).to.equal('');
    });

    it('hides the honeypot from people, keyboards and assistive technology, and sends what a bot types into it', async () => {
      const el = await renderWidget(fake);
      const trap = $<HTMLInputElement>(el, 'input[name="homepage"]');
      expect(trap.tabIndex).to.equal(-1);
      expect(trap.closest('[aria-hidden="true"]')).to.exist;
      const box = trap.parentElement!.getBoundingClientRect();
      expect(box.width * box.height, 'clipped to nothing').to.be.at.most(1);
      expect(getComputedStyle(trap.parentElement!).overflow).to.equal('hidden');
      trap.value = 'http://spam.example';
      trap.dispatchEvent(new Event('input'));
      await fillValid(el);
      await submit(el);
      await waitUntil(() => fake.posts.length === 1);
      expect(fake.lastPost.honeypot).to.equal('http://spam.example');
    });
  });

  describe('remembering details', () => {
    it('stores nothing unless asked, saves on posting when checked, and masks the email it shows', async () => {
      let el = await renderWidget(fake);
      await fillValid(el);
      await type(el, 'url', 'https://jane.example');
      const remember = $<HTMLInputElement>(el, '#remember');
      expect(remember.checked).to.be.false;
      remember.click();
      await el.updateComplete;
      await submit(el);
      await waitUntil(() => $(el, '[part~="identity"]'));
      expect(JSON.parse(localStorage.getItem('colloquy-author')!)).to.deep.equal({ name: 'Jane Listener', email: 'jane@example.com', url: 'https://jane.example' });
      el.remove();

      el = await renderWidget(fake);
      const identity = $(el, '[part~="identity"]');
      expect(identity.textContent).to.contain('Jane Listener');
      expect(identity.textContent).to.contain('j•••@example.com');
      expect(el.shadowRoot!.textContent).not.to.contain('jane@example.com');
      expect($<HTMLInputElement>(el, '#remember').checked).to.be.true;
      await type(el, 'body', 'Posting with saved details');
      await submit(el);
      await waitUntil(() => fake.posts.length === 2);
      expect(fake.lastPost.author).to.deep.equal({ name: 'Jane Listener', email: 'jane@example.com', url: 'https://jane.example' });

      $<HTMLInputElement>(el, '#remember').click();
      await el.updateComplete;
      expect(localStorage.getItem('colloquy-author'), 'unchecking forgets').to.equal(null);
    });

    it('lets visitors change their saved details', async () => {
      localStorage.setItem('colloquy-author', JSON.stringify({ name: 'Jane', email: 'jane@example.com', url: '' }));
      const el = await renderWidget(fake);
      $<HTMLButtonElement>(el, '[part~="identity"] button').click();
      await settle(el);
      expect(activeInShadow(el)?.id).to.equal('name');
      expect($<HTMLInputElement>(el, '#email').value).to.equal('jane@example.com');
    });
  });

  describe('reply notifications and "my comments"', () => {
    const notifyBox = (el: ColloquyComments) => $<HTMLInputElement>(el, '#notify');

    it('offers "Notify me of replies to my comment by email." unticked, labelled, and sends nothing of it unticked', async () => {
      const el = await renderWidget(fake);
      expect($(el, '[part~="notify"]').textContent!.trim()).to.equal('Notify me of replies to my comment by email.');
      expect($(el, 'label[for="notify"]')).to.exist;
      expect(notifyBox(el).checked, 'unticked by default').to.be.false;
      await expect(el).to.be.accessible();
      await fillValid(el);
      await submit(el);
      await waitUntil(() => fake.posts.length === 1);
      expect(fake.lastPost).to.not.have.property('notify');
      expect(fake.lastPost).to.not.have.property('locale');
      expect(fake.lastPost.page).to.equal(location.href.split('#')[0]);
    });

    it('sends notify: true and the widget locale when ticked; the box is part of the draft, unticked again after posting', async () => {
      let el = await renderWidget(fake);
      el.setAttribute('lang', 'de');
      await waitUntil(() => $(el, '[part~="notify"]').textContent!.includes('E-Mail'), 'German strings');
      notifyBox(el).click();
      await type(el, 'body', 'Tell me when the host answers.');
      el.remove();
      el = await renderWidget(fake);
      expect(notifyBox(el).checked, 'kept with the draft across a reload').to.be.true;
      el.setAttribute('lang', 'de');
      await waitUntil(() => $(el, '[part~="notify"]').textContent!.includes('E-Mail'), 'German strings');
      await fillValid(el, 'Tell me when the host answers.');
      await submit(el);
      await waitUntil(() => fake.posts.length === 1);
      expect(fake.lastPost.notify).to.equal(true);
      expect(fake.lastPost.locale).to.equal('de');
      await settle(el);
      expect(notifyBox(el).checked, 'a new draft starts unticked').to.be.false;
      el.remove();
      el = await renderWidget(fake);
      expect(notifyBox(el).checked).to.be.false;
    });

    it('"Manage my comments by email" checks the address, asks the endpoint for the link, and says it is on its way', async () => {
      const el = await renderWidget(fake);
      const manage = $<HTMLButtonElement>(el, '[part~="manage"]');
      expect(manage.textContent!.trim()).to.equal('Manage my comments by email');
      manage.click();
      await settle(el);
      expect(fake.posts, 'nothing sent without an address').to.have.length(0);
      expect($(el, '#email-error').textContent).to.equal('Please enter your email address.');
      expect(activeInShadow(el)?.id).to.equal('email');
      await type(el, 'email', ' jane@example.com ');
      fake.postReplies = [{ status: 202, body: { accepted: true } }];
      manage.click();
      await waitUntil(() => $(el, '[part~="form-notice"]'), 'the notice');
      const [ask] = fake.posts;
      expect(ask.url.pathname).to.equal('/api/me/link');
      expect(JSON.parse(ask.body!)).to.deep.equal({ email: 'jane@example.com', locale: 'en' });
      expect($(el, '[part~="form-notice"]').textContent).to.contain('a link to see, download or delete them is on its way');
      expect($(el, '[part~="status"]').textContent).to.contain('on its way');
      await expect(el).to.be.accessible();
    });

    it('says so when the endpoint refuses the link request', async () => {
      const el = await renderWidget(fake);
      await type(el, 'email', 'jane@example.com');
      fake.postReplies = [{ status: 429, body: { error: { code: 'too_fast', message: 'Slow down.' } }, headers: { 'Retry-After': '60' } }];
      $<HTMLButtonElement>(el, '[part~="manage"]').click();
      await waitUntil(() => $(el, '.form-error'));
      expect($(el, '.form-error').textContent).to.contain('try again in 60 seconds');
      expect($(el, '[part~="form-notice"]')).to.not.exist;
      fake.postReplies = [{ status: 404, body: { error: { code: 'not_found', message: 'There is nothing here.' } } }];
      $<HTMLButtonElement>(el, '[part~="manage"]').click();
      await waitUntil(() => $(el, '.form-error')?.textContent?.includes('does not send email'), 'an endpoint without email says so');
    });
  });

  describe('replying', () => {
    it('moves the form under the comment, focuses the box, and Cancel brings both back', async () => {
      fake.comments = fixtureThread();
      const el = await renderWidget(fake);
      const replyButton = $<HTMLButtonElement>(el, '[data-reply-to="2"]');
      // Named by its own word and the author's name, so the visible label is in the name in every language.
      const name = replyButton.getAttribute('aria-labelledby')!.split(' ').map((id) => $(el, `#${id}`).textContent!.trim());
      expect(name.join(' ')).to.equal('Reply Grace Hopper');
      replyButton.focus();
      await sendKeys({ press: 'Enter' });
      await settle(el);
      const form = $(el, '[part~="form"]');
      expect(form.closest('li')!.querySelector('article')!.id).to.equal('comment-2');
      expect($(el, '[part~="form-heading"]').textContent).to.equal('Reply to Grace Hopper');
      expect(activeInShadow(el)?.id).to.equal('body');
      await sendKeys({ type: 'Thanks Grace' });
      await el.updateComplete;

      $<HTMLButtonElement>(el, '[part~="cancel-reply"]').focus();
      await sendKeys({ press: 'Enter' });
      await settle(el);
      expect($(el, '[part~="form"]').closest('li')).to.equal(null);
      expect($(el, '[part~="form-heading"]').textContent).to.equal('Leave a Comment');
      expect(activeInShadow(el)).to.equal($(el, '[data-reply-to="2"]'));
      expect($<HTMLTextAreaElement>(el, '#body').value, 'the text typed is kept').to.equal('Thanks Grace');
    });

    it('posts a reply with its parent and shows it nested under that comment', async () => {
      fake.comments = fixtureThread();
      const el = await renderWidget(fake);
      $<HTMLButtonElement>(el, '[data-reply-to="3"]').click();
      await el.updateComplete;
      await fillValid(el, 'Replying to Alan');
      await submit(el);
      await waitUntil(() => $(el, '[part~="form-heading"]').textContent === 'Leave a Comment');
      expect(fake.lastPost.parentId).to.equal('3');
      const reply = fake.comments.at(-1)!;
      expect($(el, `#comment-${reply.id}`).closest('ol')!.closest('li')!.querySelector('article')!.id).to.equal('comment-3');
    });
  });

  it('tells the site owner, and sends nothing, when the thread key is longer than any endpoint takes', async () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
    try {
      const el = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread=${'x'.repeat(201)} loading="eager"></colloquy-comments>`);
      await waitUntil(() => $(el, '[part~="load-error"]'), 'the load error');
      expect(fake.requests, 'no request for a key the endpoint would refuse').to.have.length(0);
      expect(warnings.join('\n')).to.match(/\[colloquy\] The thread key "x+…" is longer than 200 characters/);
    } finally {
      console.warn = warn;
    }
  });

  it('exposes every documented part', async () => {
    fake.comments = fixtureThread();
    fake.newStatus = 'pending';
    const el = await renderWidget(fake);
    const seen = new Set<string>();
    const collect = () => $$(el, '[part]').forEach((n) => n.getAttribute('part')!.split(/\s+/).forEach((p) => seen.add(p)));
    collect();
    await submit(el);
    collect();
    $<HTMLButtonElement>(el, '[data-reply-to="1"]').click();
    await el.updateComplete;
    collect();
    await fillValid(el);
    $<HTMLInputElement>(el, '#remember').click();
    await submit(el);
    await waitUntil(() => $(el, '[part~="pending"]') && $(el, '[part~="identity"]'));
    collect();
    for (const part of [
      'heading', 'list', 'replies', 'comment', 'comment-author', 'comment-avatar', 'comment-date', 'comment-body', 'reply-button',
      'form', 'form-heading', 'cancel-reply', 'label', 'input', 'textarea', 'required', 'privacy-notice', 'error', 'submit', 'status',
      'remember', 'identity', 'pending', 'notify', 'manage',
    ]) {
      expect(seen.has(part), part).to.be.true;
    }
  });
});

describe('<colloquy-comments> host, pins and likes', () => {
  let fake: FakeEndpoint;
  beforeEach(() => {
    fake = new FakeEndpoint([
      makeComment({ id: '1', body: 'Pinned by the moderator.', pinned: true, likes: 1 }),
      makeComment({ id: '2', body: 'A visitor.', likes: 5 }),
      makeComment({ id: '3', parentId: '2', body: 'The host answers.', role: 'host', author: { name: 'The Show', url: null, avatar: 'seed-host' }, likes: 0 }),
      makeComment({ id: '4', body: 'From an endpoint without likes.' }),
    ]);
  });
  afterEach(() => fake.restore());
  const likeOf = (el: Element, id: string) => $<HTMLButtonElement>(el, `[data-like="${id}"]`);

  it('should pass accessibility tests with a host badge, a pinned marker and like buttons', async () => {
    const el = await renderWidget(fake);
    expect($(el, '[part~="badge"]')).to.exist;
    expect($(el, '[part~="like-button"]')).to.exist;
    await expect(el).to.be.accessible();
  });

  it('shows "Host" on the host\'s comments only, and "Pinned" on pinned ones, first', async () => {
    const el = await renderWidget(fake);
    const badges = $$(el, '[part~="badge"]');
    expect(badges).to.have.length(1);
    expect(badges[0].textContent).to.equal('Host');
    expect(badges[0].closest('article')!.id).to.equal('comment-3');
    const pins = $$(el, '[part~="pinned"]');
    expect(pins.map((p) => p.closest('article')!.id)).to.deep.equal(['comment-1']);
    expect(pins[0].textContent).to.equal('Pinned');
    // Visitors cannot forge it: a name is only a name.
    expect($(el, '#comment-2 [part~="badge"]')).to.not.exist;
  });

  it('keeps pinned comments first when a new comment is posted with newest first', async () => {
    localStorage.setItem('colloquy-sort', '"newest"');
    const el = await renderWidget(fake);
    expect($$(el, '.thread > li > article').map((a) => a.id)).to.deep.equal(['comment-1', 'comment-4', 'comment-2']);
    await fillValid(el, 'Brand new.');
    await submit(el);
    await waitUntil(() => $$(el, '.thread > li > article').length === 4);
    const order = $$(el, '.thread > li > article').map((a) => a.id);
    expect(order[0]).to.equal('comment-1');
    expect(order.slice(2)).to.deep.equal(['comment-4', 'comment-2']);
  });

  it('shows a like button with its count on comments that carry likes, none on others or pending ones', async () => {
    fake.newStatus = 'pending';
    const el = await renderWidget(fake);
    const like = likeOf(el, '2');
    expect(like.tagName).to.equal('BUTTON');
    expect(like.getAttribute('aria-pressed')).to.equal('false');
    expect(like.textContent).to.equal('Like 5');
    expect(likeOf(el, '4'), 'no likes field: no button').to.not.exist;
    await fillValid(el);
    await submit(el);
    await waitUntil(() => $(el, '[part~="pending"]'));
    expect($(el, '[part~="pending"]').closest('article')!.querySelector('[part~="like-button"]')).to.not.exist;
  });

  it('likes and unlikes, announcing the count; the visitor key is kept only after the first like, and a reload shows it pressed', async () => {
    const el = await renderWidget(fake);
    expect(Object.keys(localStorage).filter((k) => k.startsWith('colloquy-likes')), 'nothing kept before a like').to.deep.equal([]);
    expect(document.cookie).to.equal('');
    likeOf(el, '2').click();
    await waitUntil(() => likeOf(el, '2').getAttribute('aria-pressed') === 'true');
    expect(likeOf(el, '2').textContent).to.equal('Like 6');
    await settle(el);
    expect($(el, '[part~="status"]').textContent).to.equal('6 likes');
    const sent = JSON.parse(fake.posts.at(-1)!.body!);
    expect(fake.posts.at(-1)!.url.pathname).to.equal('/api/comments/2/like');
    expect(sent.liked).to.equal(true);
    expect(sent.visitor).to.match(/^[A-Za-z0-9_-]{16,64}$/);
    const kept = JSON.parse(localStorage.getItem(`colloquy-likes:${fake.base}`)!);
    expect(kept).to.deep.equal({ visitor: sent.visitor, liked: ['2'] });
    expect(document.cookie).to.equal('');

    // A reload: the page's widget goes, a new one comes.
    el.remove();
    const again = await renderWidget(fake);
    expect(likeOf(again, '2').getAttribute('aria-pressed'), 'pressed after a reload').to.equal('true');
    likeOf(again, '2').click();
    await waitUntil(() => likeOf(again, '2').getAttribute('aria-pressed') === 'false');
    expect(JSON.parse(fake.posts.at(-1)!.body!)).to.deep.equal({ visitor: sent.visitor, liked: false });
    expect(likeOf(again, '2').textContent).to.equal('Like 5');
    expect(JSON.parse(localStorage.getItem(`colloquy-likes:${fake.base}`)!).liked).to.deep.equal([]);
  });

  it('likes from the keyboard, keeping the focus on the button', async () => {
    const el = await renderWidget(fake);
    likeOf(el, '1').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => likeOf(el, '1').getAttribute('aria-pressed') === 'true');
    expect(activeInShadow(el)).to.equal(likeOf(el, '1'));
    await sendKeys({ press: 'Space' });
    await waitUntil(() => likeOf(el, '1').getAttribute('aria-pressed') === 'false');
    expect(likeOf(el, '1').textContent).to.equal('Like 1');
    expect(activeInShadow(el)).to.equal(likeOf(el, '1'));
  });

  for (const [reply, code, message] of [
    ['offline', 'network', 'Your like could not be saved. Try again later.'],
    [{ status: 429, body: { error: { code: 'too_fast', message: 'Slow down.' } } }, 'too_fast', 'Your like could not be saved. Try again later.'],
    [{ status: 403, body: { error: { code: 'likes_off', message: 'Likes are off.' } } }, 'likes_off', 'Likes are turned off on this site.'],
  ] as const) {
    it(`reports a like that failed (${code}) and keeps the state`, async () => {
      const el = await renderWidget(fake);
      fake.postReplies = [reply];
      const failed = oneEvent(el, 'colloquy-error') as Promise<ColloquyEvent<'colloquy-error'>>;
      likeOf(el, '2').click();
      expect((await failed).detail).to.deep.equal({ code, message });
      await settle(el);
      expect($(el, '[part~="status"]').textContent).to.equal(message);
      expect(likeOf(el, '2').getAttribute('aria-pressed')).to.equal('false');
      expect(likeOf(el, '2').textContent).to.equal('Like 5');
      expect(JSON.parse(localStorage.getItem(`colloquy-likes:${fake.base}`) ?? '{"liked":[]}').liked).to.deep.equal([]);
    });
  }

  it('offers "Top" in the sort control, which asks for the most liked first', async () => {
    const el = await renderWidget(fake);
    const select = $<HTMLSelectElement>(el, '[part~="sort"]');
    expect(Array.from(select.options, (o) => o.textContent)).to.deep.equal(['Oldest first', 'Newest first', 'Top']);
    select.value = 'top';
    select.dispatchEvent(new Event('change'));
    await waitUntil(() => fake.requests.at(-1)!.url.searchParams.get('sort') === 'top');
    await waitUntil(() => $$(el, '.thread > li > article').map((a) => a.id).join() === 'comment-1,comment-2,comment-4');
    expect(localStorage.getItem('colloquy-sort')).to.equal('"top"');
  });

  it('takes sort="top" as the initial order; an unknown order is oldest', async () => {
    (await renderWidget(fake, 'episode-1', { sort: 'top' })).remove();
    expect(fake.requests[0].url.searchParams.get('sort')).to.equal('top');
    await renderWidget(fake, 'episode-1', { sort: 'best' });
    expect(fake.requests.at(-1)!.url.searchParams.get('sort')).to.equal('oldest');
  });

  it('with no-likes shows no like button and no "Top"', async () => {
    const el = await renderWidget(fake, 'episode-1', { noLikes: true, sort: 'top' });
    expect($$(el, '[part~="like-button"]')).to.have.length(0);
    expect(fake.requests[0].url.searchParams.get('sort'), 'top falls back to oldest').to.equal('oldest');
    const top = $<HTMLSelectElement>(el, '[part~="sort"]').querySelector<HTMLOptionElement>('[value="top"]')!;
    expect(top.hidden && top.disabled).to.be.true;
  });
});

describe('<colloquy-comments> closed threads and bans', () => {
  let fake: FakeEndpoint;
  beforeEach(() => {
    fake = new FakeEndpoint(fixtureThread());
  });
  afterEach(() => fake.restore());

  it('should pass accessibility tests on a closed thread', async () => {
    fake.closed = true;
    const el = await renderWidget(fake);
    expect($(el, '[part~="closed"]')).to.exist;
    await expect(el).to.be.accessible();
  });

  it('replaces the form with "Comments are closed." and hides Reply', async () => {
    fake.closed = true;
    const el = await renderWidget(fake);
    expect($(el, '[part~="closed"]').textContent).to.equal('Comments are closed.');
    expect($(el, '[part~="form"]')).to.not.exist;
    expect($$(el, '[part~="comment"]').length, 'comments still listed').to.be.greaterThan(3);
    expect($$(el, '[part~="reply-button"]').every((b) => b.offsetParent === null), 'no Reply button shown').to.be.true;
    expect($(el, '[part~="copy-link"]').offsetParent).to.not.equal(null);
  });

  for (const [code, message] of [
    ['thread_closed', 'Comments are closed.'],
    ['banned', 'You cannot comment on this site.'],
  ]) {
    it(`says "${message}" when a post is refused with ${code}, keeping the draft`, async () => {
      const el = await renderWidget(fake);
      await fillValid(el, 'My draft.');
      fake.postReplies = [{ status: 403, body: { error: { code, message: 'Refused.' } } }];
      await submit(el);
      await waitUntil(() => $(el, '.form-error'));
      expect($(el, '.form-error').textContent).to.equal(message);
      expect($<HTMLTextAreaElement>(el, '#body').value).to.equal('My draft.');
      expect(JSON.parse(localStorage.getItem(`colloquy-draft:${fake.base}|episode-1`)!).body).to.equal('My draft.');
    });
  }

  it('keeps a reply\'s draft when the reply is refused with thread_closed', async () => {
    const el = await renderWidget(fake);
    $<HTMLButtonElement>(el, '[data-reply-to="2"]').click();
    await el.updateComplete;
    await fillValid(el, 'My reply.');
    fake.postReplies = [{ status: 403, body: { error: { code: 'thread_closed', message: 'Closed.' } } }];
    await submit(el);
    await waitUntil(() => $(el, '.form-error'));
    expect($(el, '.form-error').textContent).to.equal('Comments are closed.');
    expect($<HTMLTextAreaElement>(el, '#body').value).to.equal('My reply.');
    expect($(el, '[part~="form-heading"]').textContent).to.equal('Reply to Grace Hopper');
  });
});
