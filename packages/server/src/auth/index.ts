export * from './roles.js';
export * from './password-hash.js';
export * from './secret-token.js';
export * from './login-rate-limiter.js';
export * from './authenticator.js';
export * from './user-accounts.js';
export * from './publish-keys.js';
