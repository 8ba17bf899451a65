/**
 * Email as the app and the outbox worker use it, from the configuration: the context of the
 * mail listener, routes and senders (notifications.ts), or `null` when the server sends no email.
 */
import type { AppConfig } from '../../app-config.js';
import { myCommentLinks } from '../../domain/my-comments.js';
import { trustedOrigins } from '../../security/trusted-page.js';
import { signedLinks } from './links.js';
import type { MailContext } from './notifications.js';

export function mailContextFor(config: AppConfig, clock: () => number = Date.now): MailContext | null {
  const settings = config.mail;
  if (!settings) return null;
  const publicUrl = settings.linkOrigin;
  const adminPage = config.adminUrl ?? `${publicUrl}/admin`;
  const links = signedLinks(config.secret);
  // Every email links to the visitor's "my comments" page (routes/me.ts).
  const myComments = myCommentLinks(config.secret, links, publicUrl);
  return {
    settings,
    secret: config.secret,
    links,
    manageUrl: (email, now) => myComments.url(email, now),
    publicUrl,
    adminLink: (id) => `${adminPage}#comment-${id}`,
    trustedOrigins: trustedOrigins({ origins: config.origins, publicUrl, siteUrl: settings.siteUrl }),
    clock,
  };
}

