/**
 * Editing and deleting one's own comment within its 15-minute window: the tools appear only
 * on comments this browser posted, send the endpoint's edit token, keep the edited text
 * through failures and reloads, and go away when the window closes.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { ColloquyComments } from '../../src/components/comments/colloquy-comments.js';
import { FakeEndpoint, fixtureThread, makeComment } from './fake-endpoint.js';
import { $, $$, activeInShadow, fillValid, renderWidget, settle, submit } from './helpers.js';

describe('<colloquy-comments> editing your own comment', () => {
  let fake: FakeEndpoint;
  beforeEach(() => {
    fake = new FakeEndpoint(fixtureThread());
  });
  afterEach(() => fake.restore());

  /** Posts a comment and returns the widget and the new comment's id. */
  async function postOwn(body = 'Wrong speling here.') {
    const el = await renderWidget(fake);
    await fillValid(el, body);
    await submit(el);
    const id = fake.comments.at(-1)!.id;
    await waitUntil(() => $(el, `[data-edit="${id}"]`), 'Edit did not appear on the new comment');
    return { el, id };
  }

  /** Opens the editor on a comment and types `text` into it. */
  async function editTo(el: ColloquyComments, id: string, text: string) {
    $<HTMLButtonElement>(el, `[data-edit="${id}"]`).click();
    await settle(el);
    const box = $<HTMLTextAreaElement>(el, `#edit-${id}`);
    box.value = text;
    box.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    return box;
  }

  const cancelButton = (el: ColloquyComments) =>
    $$<HTMLButtonElement>(el, '[part~="edit-form"] button').find((b) => b.textContent!.trim() === 'Cancel')!;
  const changes = () => fake.requests.filter((r) => r.method === 'PATCH' || r.method === 'DELETE');
  const bodyText = (el: ColloquyComments, id: string) => $(el, `#comment-${id} [part~="comment-body"]`)?.textContent?.trim();

  it('should pass accessibility tests while editing and while confirming a deletion', async () => {
    const { el, id } = await postOwn();
    await expect(el).to.be.accessible();
    $<HTMLButtonElement>(el, `[data-edit="${id}"]`).click();
    await settle(el);
    expect($(el, '[part~="edit-form"]')).to.exist;
    await expect(el).to.be.accessible();
    cancelButton(el).click();
    await settle(el);
    $<HTMLButtonElement>(el, `[data-delete="${id}"]`).click();
    await settle(el);
    expect($(el, '[part~="confirm-delete"]')).to.exist;
    await expect(el).to.be.accessible();
  });

  it('shows Edit and Delete only on the comment this browser posted', async () => {
    const { el, id } = await postOwn();
    expect($$(el, '[part~="edit-button"]')).to.have.length(1);
    expect($$(el, '[part~="delete-button"]')).to.have.length(1);
    expect($(el, `#comment-${id} [part~="edit-button"]`)).to.exist;
    expect($(el, '#comment-1 [part~="edit-button"]')).to.equal(null);
  });

  it('edits in place with the edit token: the new text shows, is announced, and focus returns to the comment', async () => {
    const { el, id } = await postOwn();
    $<HTMLButtonElement>(el, `[data-edit="${id}"]`).click();
    await settle(el);
    const box = $<HTMLTextAreaElement>(el, `#edit-${id}`);
    expect(activeInShadow(el), 'Edit moves focus into the box').to.equal(box);
    expect(box.value).to.equal('Wrong speling here.');
    expect($(el, `label[for="edit-${id}"]`).textContent).to.equal('Edit your comment');
    box.value = 'Right spelling here.';
    box.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    const edited = oneEvent(el, 'colloquy-edited');
    $<HTMLButtonElement>(el, '[part~="edit-form"] [part~="submit"]').click();
    expect((await edited).detail.comment.body).to.equal('Right spelling here.');
    await settle(el);
    const [patch] = changes();
    expect(patch.method).to.equal('PATCH');
    expect(patch.url.pathname).to.equal(`/api/comments/${id}`);
    expect(patch.headers.get('Authorization')).to.equal(`Bearer token-for-${id}`);
    expect(JSON.parse(patch.body!)).to.deep.equal({ body: 'Right spelling here.' });
    expect(bodyText(el, id)).to.equal('Right spelling here.');
    expect($(el, '[part~="status"]').textContent).to.equal('Comment updated.');
    expect(activeInShadow(el)).to.equal($(el, `#comment-${id}`));
    expect($(el, `[data-edit="${id}"]`), 'still editable within the window').to.exist;
  });

  it('Cancel puts the text back and focus on Edit; an empty edit is refused before sending', async () => {
    const { el, id } = await postOwn();
    const box = await editTo(el, id, '   ');
    $<HTMLButtonElement>(el, '[part~="edit-form"] [part~="submit"]').click();
    await settle(el);
    expect(changes()).to.have.length(0);
    expect($(el, `#edit-${id}-error`).textContent).to.equal('Please type your comment.');
    expect(box.getAttribute('aria-invalid')).to.equal('true');
    expect(box.getAttribute('aria-describedby')).to.equal(`edit-${id}-error`);
    cancelButton(el).click();
    await settle(el);
    expect(bodyText(el, id)).to.equal('Wrong speling here.');
    expect(activeInShadow(el)).to.equal($(el, `[data-edit="${id}"]`));
  });

  it('keeps the edited text through an offline failure and a reload', async () => {
    const { el, id } = await postOwn();
    await editTo(el, id, 'Fixed while the train was in a tunnel.');
    fake.changeReplies = ['offline'];
    $<HTMLButtonElement>(el, '[part~="edit-form"] [part~="submit"]').click();
    await waitUntil(() => $(el, `#edit-${id}-error`));
    expect($(el, `#edit-${id}-error`).textContent).to.equal('You seem to be offline. Your comment is kept; try again later.');
    expect($<HTMLTextAreaElement>(el, `#edit-${id}`).value).to.equal('Fixed while the train was in a tunnel.');

    el.remove();
    const again = await renderWidget(fake);
    await waitUntil(() => $(again, `#edit-${id}`), 'the edit did not come back after a reload');
    expect($<HTMLTextAreaElement>(again, `#edit-${id}`).value).to.equal('Fixed while the train was in a tunnel.');
    $<HTMLButtonElement>(again, '[part~="edit-form"] [part~="submit"]').click();
    await waitUntil(() => bodyText(again, id) === 'Fixed while the train was in a tunnel.');
  });

  it('a refused token (the window closed on the server) removes the tools and says so, keeping the comment', async () => {
    const { el, id } = await postOwn();
    $<HTMLButtonElement>(el, `[data-edit="${id}"]`).click();
    await settle(el);
    fake.changeReplies = [{ status: 403, body: { error: { code: 'forbidden', message: 'You can no longer edit or delete this comment.' } } }];
    const error = oneEvent(el, 'colloquy-error');
    $<HTMLButtonElement>(el, '[part~="edit-form"] [part~="submit"]').click();
    expect((await error).detail.code).to.equal('forbidden');
    await settle(el);
    expect($(el, '[part~="status"]').textContent).to.equal('The time for changing this comment has run out.');
    expect($(el, '[part~="edit-form"]')).to.equal(null);
    expect($(el, `[data-edit="${id}"]`)).to.equal(null);
    expect(bodyText(el, id)).to.equal('Wrong speling here.');
  });

  it('deletes after asking: the comment leaves, the count drops, focus goes to the heading', async () => {
    const { el, id } = await postOwn();
    expect($(el, '[part~="heading"]').textContent).to.equal('10 Comments');
    $<HTMLButtonElement>(el, `[data-delete="${id}"]`).click();
    await settle(el);
    expect(changes(), 'nothing is deleted before confirming').to.have.length(0);
    expect($(el, '[part~="confirm-delete"]').textContent).to.contain('Delete this comment? This cannot be undone.');
    expect(activeInShadow(el)).to.equal($(el, `[data-confirm-delete="${id}"]`));
    const deleted = oneEvent(el, 'colloquy-deleted');
    $<HTMLButtonElement>(el, `[data-confirm-delete="${id}"]`).click();
    expect((await deleted).detail).to.deep.equal({ id });
    await settle(el);
    expect(changes()[0].method).to.equal('DELETE');
    expect(changes()[0].headers.get('Authorization')).to.equal(`Bearer token-for-${id}`);
    expect($(el, `#comment-${id}`)).to.equal(null);
    expect($(el, '[part~="heading"]').textContent).to.equal('9 Comments');
    expect($(el, '[part~="status"]').textContent).to.equal('Comment deleted.');
    expect(activeInShadow(el)).to.equal($(el, '#heading'));
  });

  it('a deleted comment with replies leaves "This comment was deleted." so the replies keep their place', async () => {
    const { el, id } = await postOwn('A question.');
    fake.comments.push(makeComment({ id: '900', parentId: id, body: 'An answer.' }));
    await el.load();
    await waitUntil(() => $(el, '#comment-900') && $(el, `[data-delete="${id}"]`));
    $<HTMLButtonElement>(el, `[data-delete="${id}"]`).click();
    await settle(el);
    $<HTMLButtonElement>(el, `[data-confirm-delete="${id}"]`).click();
    await waitUntil(() => $(el, `#comment-${id}`)?.getAttribute('part') === 'comment deleted');
    expect($(el, `#comment-${id}`).textContent!.trim()).to.equal('This comment was deleted.');
    expect($(el, '#comment-900'), 'the reply stays').to.exist;
  });

  it('the tools disappear by themselves when the window closes', async () => {
    fake.editWindow = 1500;
    const { el, id } = await postOwn();
    expect($(el, `[data-edit="${id}"]`)).to.exist;
    await waitUntil(() => !$(el, `[data-edit="${id}"]`), 'Edit outlived its window', { timeout: 4000 });
    expect($(el, `[data-delete="${id}"]`)).to.equal(null);
    // By key, not by substring: another test's grant for comment 100 must not pass for comment 10.
    const grants = JSON.parse(localStorage.getItem(`colloquy-own:${fake.base}`) ?? '{}') as Record<string, unknown>;
    expect(Object.keys(grants)).not.to.include(id);
  });

  it('offers the tools again after a reload, within the window', async () => {
    const { el, id } = await postOwn();
    el.remove();
    const again = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread="episode-1" loading="eager"></colloquy-comments>`);
    await waitUntil(() => $(again, `[data-edit="${id}"]`), 'no Edit after reload');
  });

  it('works from the keyboard alone: Edit, type, Save', async () => {
    const { el, id } = await postOwn();
    $<HTMLButtonElement>(el, `[data-edit="${id}"]`).focus();
    await sendKeys({ press: 'Enter' });
    await settle(el);
    expect(activeInShadow(el)).to.equal($(el, `#edit-${id}`));
    await sendKeys({ press: 'End' });
    await sendKeys({ type: ' Fixed.' });
    await sendKeys({ press: 'Tab' });
    expect(activeInShadow(el)?.textContent?.trim()).to.equal('Save');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => bodyText(el, id) === 'Wrong speling here. Fixed.');
    expect(activeInShadow(el)).to.equal($(el, `#comment-${id}`));
  });
  it('an edit held for moderation says "Your comment is awaiting moderation." on the comment, and stops counting it', async () => {
    const { el, id } = await postOwn();
    expect($(el, '[part~="heading"]').textContent).to.equal(`${fake.comments.length} Comments`);
    fake.editStatus = 'pending';
    await editTo(el, id, 'Now with a link http://spam.example');
    $<HTMLButtonElement>(el, '[part~="edit-form"] [part~="submit"]').click();
    await waitUntil(() => $(el, `#comment-${id} [part~="pending"]`), 'no pending notice after a held edit');
    expect($(el, `#comment-${id} [part~="pending"]`).textContent).to.equal('Your comment is awaiting moderation.');
    expect(bodyText(el, id)).to.equal('Now with a link http://spam.example');
    expect($(el, '[part~="status"]').textContent).to.equal('Your comment is awaiting moderation.');
    expect($(el, '[part~="heading"]').textContent).to.equal(`${fake.comments.length - 1} Comments`);
  });

  it('shows its author a comment still held for moderation after a reload, while the edit grant lasts, and no one else', async () => {
    fake.newStatus = 'pending';
    const { el, id } = await postOwn('Held for a moderator');
    el.remove();
    const again = await renderWidget(fake);
    await waitUntil(() => $(again, `#comment-${id}`), 'the pending comment disappeared after a reload');
    expect($(again, `#comment-${id} [part~="pending"]`).textContent).to.equal('Your comment is awaiting moderation.');
    expect(bodyText(again, id)).to.equal('Held for a moderator');
    again.remove();
    localStorage.clear();
    const stranger = await renderWidget(fake);
    await settle(stranger);
    expect($(stranger, `#comment-${id}`), 'another visitor does not see it').to.equal(null);
  });
});
