// What other modules may import from sessions.
export { LoginLimits } from './login-limits';
export { CSRF_COOKIE, CSRF_HEADER, REFRESH_COOKIE, lockoutSeconds, parseRefreshToken, setCookie, readCookie } from './session';
