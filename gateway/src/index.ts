export * from './gateway';
export * from './rate-limit';
export * from './compose';
