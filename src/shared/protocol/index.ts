export * from './limits';
export * from './roles';
export * from './messages';
export * from './frames';
export * from './decode';
export * from './json-bounds';
