/**
 * The server's compiler (tsconfig.json) reads the consoles' page table in the unit tests without
 * compiling its pages: a `.vue` file is a component to it (vue-tsc checks the pages themselves).
 */
declare module '*.vue' {
  const component: import('vue').Component;
  export default component;
}
