/*
 * tsconfig uses node10 module resolution, which ignores package.json "exports", so mingo's
 * sub-path entry points are declared here against the typings mingo ships. Node and Jest resolve
 * the runtime modules through "exports" as usual.
 */
declare module 'mingo/aggregator' {
  export * from 'mingo/types/aggregator';
}
declare module 'mingo/lazy' {
  export * from 'mingo/types/lazy';
}
declare module 'mingo/core' {
  export * from 'mingo/types/core/index';
}
declare module 'mingo/operators/pipeline' {
  export * from 'mingo/types/operators/pipeline/index';
}
declare module 'mingo/operators/expression' {
  export * from 'mingo/types/operators/expression/index';
}
declare module 'mingo/operators/accumulator' {
  export * from 'mingo/types/operators/accumulator/index';
}
declare module 'mingo/operators/window' {
  export * from 'mingo/types/operators/window/index';
}
declare module 'mingo/operators/query' {
  export * from 'mingo/types/operators/query/index';
}
declare module 'mingo/operators/projection' {
  export * from 'mingo/types/operators/projection/index';
}
