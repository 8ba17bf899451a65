// The in-page half of the render benchmark (scripts/bench-render.ts), the same on the floor page
// and the widget page. A classic script in <head>, so its observers see the whole page.
//
// Definitions (docs/benchmarks.md repeats them):
// - init: performance.mark('bench-init'), taken after the page and its scripts have loaded,
//   right before the element is created and inserted (widget) or the floor's fetch starts.
// - in the DOM: the first mutation-observer callback that finds every comment's element
//   (`[part~="comment"]`) under the widget's shadow root, or under the floor's container.
// - painted: a frame loop runs from init: each requestAnimationFrame callback toggles the width
//   of a fixed 1-px sentinel, so the frame's ResizeObserver callback runs right after that frame's
//   layout; from it a MessageChannel message is posted, which runs once the frame's paint is done.
//   A state of the DOM is painted at that message of the first frame whose layout came after it.
// - first screenful: the first frame whose layout had comments down to the bottom edge of the
//   viewport (or every comment, if they do not reach it), painted as above.
'use strict';
(() => {
  const longTasks = [];
  const shifts = [];
  new PerformanceObserver((list) => longTasks.push(...list.getEntries())).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => shifts.push(...list.getEntries())).observe({ type: 'layout-shift', buffered: true });
  const errors = [];
  addEventListener('error', (e) => errors.push(String(e.message)));
  addEventListener('unhandledrejection', (e) => errors.push(String(e.reason)));

  const SELECTOR = '[part~="comment"]';

  /** Elements and nodes of every kind under `root`, shadow roots inside it included. */
  function countNodes(root) {
    let elements = 0;
    let nodes = 0;
    const stack = [root];
    while (stack.length) {
      const walker = document.createTreeWalker(stack.pop(), NodeFilter.SHOW_ALL);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        nodes++;
        if (node.nodeType === 1) {
          elements++;
          if (node.shadowRoot) stack.push(node.shadowRoot);
        }
      }
    }
    return { elements, nodes };
  }

  let state;

  /**
   * Starts one measured load. `kind` is `floor` or `widget`; `expected` the number of
   * comments that must end up in the DOM. Resolves once all are painted, or after `timeoutMs`.
   */
  window.benchStart = ({ kind, endpoint, thread, limit, pageSize, expected, maxDepth = 5, timeoutMs = 20000 }) =>
    new Promise((resolve) => {
      const slot = document.getElementById('slot');
      const viewport = innerHeight;
      const widgetTop = slot.getBoundingClientRect().top;
      const sentinel = document.createElement('div');
      sentinel.style.cssText = 'position:fixed;top:0;left:0;width:1px;height:1px;pointer-events:none';
      document.documentElement.append(sentinel);
      const s = (state = { kind, expected, count: 0, dom: null, first: null, painted: null, frames: 0, done: false });

      performance.mark('bench-init');
      const t0 = performance.now();
      s.t0 = t0;
      s.widgetTop = widgetTop;
      let root;
      let element;
      if (kind === 'widget') {
        element = document.createElement('colloquy-comments');
        element.setAttribute('endpoint', endpoint);
        element.setAttribute('thread', thread);
        if (pageSize) element.setAttribute('page-size', String(pageSize));
        element.setAttribute('loading', 'eager');
        root = element.shadowRoot ?? element;
      } else root = slot;
      const observer = new MutationObserver(() => {
        s.count = root.querySelectorAll(SELECTOR).length;
        if (s.dom === null && s.count >= expected) s.dom = performance.now();
      });
      observer.observe(root, { childList: true, subtree: true });
      if (element) slot.append(element);
      else window.renderFloor(slot, endpoint, thread, limit, maxDepth);

      let wide = false;
      let lastCount = 0;
      let lastProgress = t0;
      let layoutAt = 0;
      let countAtLayout = 0;
      let firstAtLayout = false;
      const channel = new MessageChannel();
      const resize = new ResizeObserver(() => {
        layoutAt = performance.now();
        countAtLayout = s.count;
        if (s.first === null && !firstAtLayout && countAtLayout > 0) {
          const last = root.querySelectorAll(SELECTOR)[countAtLayout - 1];
          firstAtLayout = countAtLayout >= expected || (last && last.getBoundingClientRect().bottom >= viewport);
        }
        channel.port2.postMessage(0);
      });
      resize.observe(sentinel);
      const finish = (timedOut) => {
        if (s.done) return;
        s.done = true;
        observer.disconnect();
        resize.disconnect();
        // The sentinel stays: removing it would draw a frame (about 7 ms on 1,000 comments) in the idle window that follows.
        const end = performance.now();
        const { above: shiftAbove, total: shiftTotal } = window.benchShifts();
        const longest = longTasks.filter((t) => t.startTime + t.duration >= t0).reduce((max, t) => Math.max(max, t.duration), 0);
        const nodes = countNodes(root);
        resolve({
          timedOut,
          count: s.count,
          errors: errors.slice(),
          toDom: s.dom === null ? null : s.dom - t0,
          toFirst: s.first === null ? null : s.first - t0,
          toPainted: s.painted === null ? null : s.painted - t0,
          window: end - t0,
          frames: s.frames,
          longTaskObserved: longest,
          shiftAbove,
          shiftTotal,
          elements: nodes.elements,
          nodes: nodes.nodes,
          widgetTop,
        });
      };
      channel.port1.onmessage = () => {
        // This frame's paint is done: what its layout saw is on screen.
        const now = performance.now();
        s.frames++;
        if (s.count !== lastCount) [lastCount, lastProgress] = [s.count, now];
        // Broken (an uncaught error) and no new comment for a second: it will not get there.
        if (errors.length && now - lastProgress > 1000) return finish(true);
        if (s.first === null && firstAtLayout) s.first = now;
        if (s.painted === null && s.dom !== null && s.dom < layoutAt) s.painted = now;
        if (s.painted !== null && s.first !== null) finish(false);
      };
      const frame = () =>
        requestAnimationFrame(() => {
          if (s.done) return;
          wide = !wide;
          sentinel.style.width = wide ? '2px' : '1px';
          frame();
        });
      frame();
      setTimeout(() => finish(true), timeoutMs);
    });

  /**
   * Layout shift since init (so far): `total` on the whole page, `above` from shifts that moved
   * anything whose top was above the widget's top edge.
   */
  window.benchShifts = () => {
    let above = 0;
    let total = 0;
    for (const entry of shifts) {
      if (entry.startTime < state.t0 || entry.hadRecentInput) continue;
      total += entry.value;
      if (entry.sources.some((source) => source.previousRect.top < state.widgetTop)) above += entry.value;
    }
    return { above, total };
  };
  window.benchState = () => state;
})();
