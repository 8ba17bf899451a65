import type { ServerConfig } from './config.js';

/**
 * The settings the app itself uses, with the secret and the admin token resolved. Left
 * out, `spam` turns every spam rule off, `webhook` sends none, and without `adminToken`
 * the admin API refuses every request. A `webhook` needs `publicUrl` or `adminUrl`: the
 * links it sends are never built from a request.
 */
export type AppConfig = Pick<ServerConfig, 'origins' | 'moderation' | 'floodSeconds' | 'trustProxy'> &
  Partial<Pick<ServerConfig, 'spam' | 'webhook' | 'adminUrl' | 'publicUrl' | 'mail' | 'threadUrl' | 'hostName' | 'closeAfterDays' | 'siteUrl' | 'likes' | 'liveMax'>> & {
    secret: string;
    adminToken?: string;
  };
