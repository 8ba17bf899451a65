// The floor of the render benchmark: the least a page can do to show the same thread. It fetches
// the same page of the same endpoint as the widget, then builds author, date, body text and the
// nesting with createElement/textContent into one fragment, appended once. No CSS, no formatting,
// no buttons. Replies nest as the widget's do by default: five levels, deeper ones as siblings at
// the fifth. A loop, not recursion, so a chain of thousands of replies builds as well.
'use strict';
window.renderFloor = async (container, endpoint, thread, limit, maxDepth = 5) => {
  const params = new URLSearchParams({ thread, limit: String(limit) });
  const response = await fetch(`${endpoint}/comments?${params}`, { credentials: 'omit', cache: 'no-cache' });
  const page = await response.json();
  const dates = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeStyle: 'short' });
  const fragment = document.createDocumentFragment();
  const top = document.createElement('ol');
  fragment.append(top);
  const placed = new Map();
  for (const comment of page.comments) {
    const parent = comment.parentId === null ? undefined : placed.get(comment.parentId);
    let list = top;
    let depth = 1;
    if (parent && parent.depth < maxDepth) {
      depth = parent.depth + 1;
      if (!parent.replies) parent.item.append((parent.replies = document.createElement('ol')));
      list = parent.replies;
    } else if (parent) {
      depth = parent.depth;
      list = parent.list;
    }
    const item = document.createElement('li');
    const article = document.createElement('article');
    article.setAttribute('part', 'comment');
    const header = document.createElement('header');
    const author = document.createElement('span');
    author.textContent = comment.author.name;
    const time = document.createElement('time');
    time.textContent = dates.format(new Date(comment.createdAt));
    header.append(author, ' ', time);
    const body = document.createElement('div');
    body.textContent = comment.body;
    article.append(header, body);
    item.append(article);
    list.append(item);
    placed.set(comment.id, { item, list, depth, replies: null });
  }
  container.append(fragment);
};
