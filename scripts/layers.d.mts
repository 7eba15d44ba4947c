// Types of scripts/layers.mjs, for test/layers.e2e-spec.ts.
export declare const SRC: 'src';
export declare const PLATFORM: 'platform';
export declare const AUTH: 'auth';
export declare const RULES: Readonly<{ platform: string; auth: string; internals: string }>;

export interface Import {
  from: string;
  to: string;
  line?: number;
  specifier?: string;
}
export interface Edge {
  count: number;
  example: Import;
}
export type FolderGraph = Map<string, Map<string, Edge>>;
export interface FolderCycle {
  folders: string[];
  cycle: string[];
  edges: ({ from: string; to: string } & Edge)[];
}

export declare function placeOf(file: string): { folder: string | null; sub: string | null } | null;
export declare function isFeature(folder: string): boolean;
export declare function resolveImport(fromFile: string, specifier: string): string | null;
export declare function checkImport(fromFile: string, toFile: string): { rule: string; message: string } | null;
export declare function folderGraph(imports: Import[]): FolderGraph;
export declare function stronglyConnectedComponents(successors: Map<string, Iterable<string>>): string[][];
export declare function shortestCycle(graph: Map<string, Map<string, unknown>>, component: string[], start: string): string[];
export declare function folderCycles(graph: FolderGraph): FolderCycle[];
