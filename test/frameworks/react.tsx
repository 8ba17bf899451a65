/** @jsxImportSource react */
// <colloquy-comments> and <colloquy-count> in React 19 JSX: no wrapper, typed attributes,
// properties and `on<event>` listeners. Each line marked as an error must not compile.
import type {} from 'colloquy/frameworks/react';
import type { Comment } from 'colloquy';

export function Episode({ onPosted }: { onPosted: (comment: Comment) => void }) {
  return (
    <section>
      <colloquy-comments
        endpoint="/api"
        thread="episodes/42"
        sort="newest"
        loading="eager"
        page-size={20}
        max-depth="3"
        no-remember
        theme="dark"
        strings={{ leaveComment: 'Join the conversation' }}
        oncolloquy-posted={(event) => onPosted(event.detail.comment)}
        oncolloquy-submit={(event) => event.detail.body.length > 5000 && event.preventDefault()}
        oncolloquy-seek={(event) => console.log(event.detail.seconds.toFixed(0))}
      />
      <colloquy-count endpoint="/api" thread="episodes/42" href="#comments" />
    </section>
  );
}

export function Wrong() {
  return (
    <section>
      <colloquy-comments endpoint="/api" sort="sideways" />{/* error */}
      <colloquy-comments endpoint="/api" page-size="twenty" />{/* error */}
      <colloquy-comments endpoint="/api" loading={true} />{/* error */}
      <colloquy-comments endpoint="/api" oncolloquy-posted={(event) => event.detail.count} />{/* error */}
      <colloquy-count endpoint={42} thread="episodes/42" />{/* error */}
    </section>
  );
}
