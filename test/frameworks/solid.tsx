/** @jsxImportSource solid-js */
// <colloquy-comments> and <colloquy-count> in Solid JSX: every prop of a custom element is
// set as a property, so values take the properties' types; `on:<event>` listeners.
// Each line marked as an error must not compile.
import type {} from 'colloquy/frameworks/solid';
import type { Comment } from 'colloquy';

export function Episode(props: { onPosted: (comment: Comment) => void }) {
  return (
    <section>
      <colloquy-comments
        endpoint="/api"
        thread="episodes/42"
        sort="newest"
        loading="eager"
        page-size={20}
        maxDepth={3}
        no-remember={true}
        theme="dark"
        strings={{ leaveComment: 'Join the conversation' }}
        on:colloquy-posted={(event) => props.onPosted(event.detail.comment)}
        on:colloquy-submit={(event) => event.detail.body.length > 5000 && event.preventDefault()}
        on:colloquy-seek={(event) => console.log(event.detail.seconds.toFixed(0))}
      />
      <colloquy-count endpoint="/api" thread="episodes/42" href="#comments" />
    </section>
  );
}

export function Wrong() {
  return (
    <section>
      <colloquy-comments endpoint="/api" sort="sideways" />{/* error */}
      <colloquy-comments endpoint="/api" page-size="20" />{/* error */}
      <colloquy-comments endpoint="/api" loading={true} />{/* error */}
      <colloquy-comments endpoint="/api" on:colloquy-posted={(event) => event.detail.count} />{/* error */}
      <colloquy-count endpoint={42} thread="episodes/42" />{/* error */}
    </section>
  );
}
