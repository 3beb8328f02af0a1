// The server's compiler checks the consoles' unit tests too; it reads a page table's lazy imports of
// single-file components (which vue-tsc and Vite compile) as components, never their insides.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
