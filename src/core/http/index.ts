/** The HTTP layer's public face: the client, its options, and base-URL checks. */
export { HttpClient, defaultHttpOptions, type HttpOptions, type Query, type RequestOptions } from './client';
export { isLoopbackHost, normalizeBaseUrl } from './address';
export { parseRetryAfter, serverMessage } from './messages';
export { Pace, type RateLimit } from './pace';
