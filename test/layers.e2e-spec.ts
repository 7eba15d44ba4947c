import { checkImport, folderCycles, folderGraph, resolveImport, RULES, stronglyConnectedComponents, type Import } from '../scripts/layers.mjs';

/**
 * The layer rules behind `npm run lint` (scripts/check-layers.mjs and the ESLint rule
 * layers/boundaries), on small in-memory graphs. Reads nothing, runs nothing.
 */
describe('layers of src/', () => {
  const imp = (from: string, to: string): Import => ({ from, to, line: 1, specifier: to });

  describe('one import', () => {
    it('resolves relative specifiers against the importing file, and leaves packages alone', () => {
      expect(resolveImport('src/oauth/grants/x.ts', '../../clients/client.entity.js')).toBe('src/clients/client.entity.js');
      expect(resolveImport('src/oauth/grants/x.ts', './grant.js')).toBe('src/oauth/grants/grant.js');
      expect(resolveImport('src/platform/x.spec.ts', '../../test/support/y.js')).toBe('test/support/y.js');
      expect(resolveImport('src/oauth/x.ts', '@nestjs/common')).toBeNull();
      expect(resolveImport('src/oauth/x.ts', 'node:fs')).toBeNull();
    });

    it('platform imports only platform', () => {
      expect(checkImport('src/platform/http/a.ts', 'src/platform/config/config.js')).toBeNull();
      expect(checkImport('src/platform/crypto.ts', 'src/oauth/pkce.js')?.rule).toBe(RULES.platform);
      expect(checkImport('src/platform/http/a.ts', 'src/auth/principal.js')?.rule).toBe(RULES.platform);
      expect(checkImport('src/platform/http/a.ts', 'src/entities.js')?.message).toContain('src/entities.js');
      expect(checkImport('src/platform/x.spec.ts', 'test/support/y.js')).toBeNull();
    });

    it('the auth core imports only auth and platform', () => {
      expect(checkImport('src/auth/auth.guard.ts', 'src/auth/principal.js')).toBeNull();
      expect(checkImport('src/auth/auth.guard.ts', 'src/platform/http/form.js')).toBeNull();
      const broken = checkImport('src/auth/auth.guard.ts', 'src/oauth/bearer.strategy.js');
      expect(broken?.rule).toBe(RULES.auth);
      expect(broken?.message).toContain('src/oauth/');
    });

    it("a feature's nested folders are its own", () => {
      expect(checkImport('src/oauth/token.service.ts', 'src/oauth/store/grants.service.js')).toBeNull();
      expect(checkImport('src/oauth/grants/a.ts', 'src/oauth/store/grants.service.js')).toBeNull();
      expect(checkImport('src/clients/a.ts', 'src/oauth/store/revocation-list.js')?.rule).toBe(RULES.internals);
      expect(checkImport('src/clients/a.ts', 'src/portal/admin/admin.views.js')?.message).toContain('src/portal/admin/ is internal to the portal feature');
      expect(checkImport('src/clients/a.ts', 'src/oauth/consents.js')).toBeNull();
      expect(checkImport('src/clients/a.ts', 'src/platform/http/form.js')).toBeNull();
      expect(checkImport('src/clients/a.ts', 'src/auth/principal.js')).toBeNull();
    });

    it('the composition root (files directly in src/) imports anything', () => {
      expect(checkImport('src/app.module.ts', 'src/oauth/store/grants.service.js')).toBeNull();
      expect(checkImport('src/app.module.ts', 'src/portal/admin/admin.views.js')).toBeNull();
    });
  });

  describe('the folder graph', () => {
    it('finds no cycle in a layered graph', () => {
      const graph = folderGraph([
        imp('src/oauth/a.ts', 'src/auth/b.js'),
        imp('src/oauth/a.ts', 'src/clients/c.js'),
        imp('src/clients/c.ts', 'src/auth/b.js'),
        imp('src/auth/b.ts', 'src/platform/d.js'),
        imp('src/oauth/store/e.ts', 'src/oauth/a.js'),
        imp('src/app.module.ts', 'src/oauth/a.js'),
        imp('src/platform/x.spec.ts', 'test/support/y.js'),
      ]);
      expect([...graph.keys()].sort()).toEqual(['auth', 'clients', 'oauth', 'platform']);
      expect([...graph.get('oauth')!.keys()].sort()).toEqual(['auth', 'clients']);
      expect(folderCycles(graph)).toEqual([]);
    });

    it('finds a cycle, with one example import per edge, fewest imports first', () => {
      const graph = folderGraph([
        imp('src/oauth/a.ts', 'src/clients/c.js'),
        imp('src/oauth/b.ts', 'src/clients/d.js'),
        imp('src/clients/lineage-status.ts', 'src/oauth/store/revocation-list.js'),
        imp('src/clients/c.ts', 'src/auth/p.js'),
        imp('src/auth/p.ts', 'src/platform/q.js'),
      ]);
      const cycles = folderCycles(graph);
      expect(cycles).toHaveLength(1);
      expect(cycles[0].folders).toEqual(['clients', 'oauth']);
      expect(cycles[0].cycle).toEqual(['clients', 'oauth']);
      expect(cycles[0].edges.map((e) => [e.from, e.to, e.count, e.example.from])).toEqual([
        ['clients', 'oauth', 1, 'src/clients/lineage-status.ts'],
        ['oauth', 'clients', 2, 'src/oauth/a.ts'],
      ]);
    });

    it('separates independent cycles and gives a shortest loop in a larger one', () => {
      const graph = folderGraph([
        imp('src/a/x.ts', 'src/b/x.js'),
        imp('src/b/x.ts', 'src/c/x.js'),
        imp('src/c/x.ts', 'src/a/x.js'),
        imp('src/b/x.ts', 'src/a/x.js'),
        imp('src/d/x.ts', 'src/e/x.js'),
        imp('src/e/x.ts', 'src/d/x.js'),
        imp('src/c/x.ts', 'src/d/x.js'),
      ]);
      const cycles = folderCycles(graph);
      expect(cycles.map((c) => c.folders)).toEqual([
        ['d', 'e'],
        ['a', 'b', 'c'],
      ]);
      expect(cycles[1].cycle).toEqual(['a', 'b']);
      expect(cycles[1].edges).toHaveLength(4);
    });
  });

  describe("Tarjan's components", () => {
    it('puts every node in exactly one component', () => {
      const succ = new Map<string, string[]>([
        ['a', ['b']],
        ['b', ['c']],
        ['c', ['a', 'd']],
        ['d', []],
        ['e', ['e']],
      ]);
      const components = stronglyConnectedComponents(succ);
      expect(components.flat().sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(components).toContainEqual(['a', 'b', 'c']);
      expect(components).toContainEqual(['d']);
      expect(components).toContainEqual(['e']);
    });

    it('handles a long chain without recursion', () => {
      const n = 20_000;
      const succ = new Map<string, string[]>(Array.from({ length: n }, (_, i) => [`n${i}`, i + 1 < n ? [`n${i + 1}`] : ['n0']]));
      const components = stronglyConnectedComponents(succ);
      expect(components).toHaveLength(1);
      expect(components[0]).toHaveLength(n);
    });
  });
});
