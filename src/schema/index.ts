// The datamart's schema: the store's tables and every domain's, migrated whenever a store opens.
// It sits above the domains and below the pipeline, server and CLI, which open stores through it.
export { migrate, MIGRATIONS, openStore } from './registry.js';
