export * from './episode';
export * from './channel';
export * from './broadcast';
export * from './scheduledTheme';
export * from './moderationCheck';
