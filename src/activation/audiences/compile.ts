/**
 * A checked tree to one SQL condition over customer_classes AS c (and person_profiles AS p when a
 * declared field needs it). Values are always bound; identifiers come from the catalogue only.
 */
import { sql, type Sql } from '../../store/index.js';
import { contactedSince, fieldNamed, type CompileContext, type FieldSpec } from './catalogue.js';
import { checkFilter, dateValue, type Source } from './check.js';
import { COMPARISONS, type AudienceFilter, type FilterValue } from './tree.js';

export interface CompiledFilter {
  /** The condition, to put after WHERE in a query whose FROM is `audienceFrom(compiled)`. */
  readonly where: Sql;
  /** Whether a declared field needs person_profiles joined. */
  readonly profiles: boolean;
}

const HOUR = 3_600_000;
const UNIT_MS = { h: HOUR, d: 24 * HOUR, w: 7 * 24 * HOUR } as const;

class Compiler {
  profiles = false;

  constructor(private readonly ctx: CompileContext) {}

  private spec(field: string): FieldSpec {
    const spec = fieldNamed(field);
    // checkFilter ran first: reaching here with an unknown field is a bug, not an input error.
    if (!spec) throw new Error(`unchecked field ${field}`);
    if (spec.table === 'profiles') this.profiles = true;
    return spec;
  }

  /**
   * A bound value. Numbers are bound as DOUBLE: left to infer, the engine would cast them to the
   * column's type (DECIMAL(38,4) for money), where a large number fails instead of not matching.
   * They travel as their shortest text (exact for a double): the DuckDB engine binds an integral
   * number as a HUGEINT, out of range beyond 1.7e38.
   */
  private bind(spec: FieldSpec, value: FilterValue): Sql {
    if (spec.type === 'date') return sql`${dateValue(value as string)}`;
    if (spec.type === 'trait' && typeof value === 'boolean') return sql`${String(value)}`;
    if (typeof value === 'number') return sql`CAST(${String(value)} AS DOUBLE)`;
    return sql`${value}`;
  }

  /** A trait is text; compared with numbers it is read as a number (text that is not one never matches). */
  private traitExpr(expr: Sql, values: readonly FilterValue[]): Sql {
    return values.every((v) => typeof v === 'number') ? sql`TRY_CAST(${expr} AS DOUBLE)` : expr;
  }

  private setMembers(spec: FieldSpec, condition: Sql | null): Sql {
    const where = condition === null ? sql`` : sql` AND ${condition}`;
    return sql`c.person_id IN (SELECT s.person_id FROM (${spec.sql(this.ctx, spec.name)}) AS s WHERE s.person_id IS NOT NULL${where})`;
  }

  compile(node: AudienceFilter): Sql {
    switch (node.kind) {
      case 'and':
      case 'or':
        return sql`(${sql.join(node.args.map((a) => this.compile(a)), node.kind === 'and' ? ' AND ' : ' OR ')})`;
      case 'not':
        // Complement: a person whose value is unknown (NULL) is in `not x` rather than in neither.
        return sql`(NOT coalesce(${this.compile(node.arg)}, false))`;
      case 'flag': {
        const spec = this.spec(node.field);
        return sql`(${spec.sql(this.ctx, node.field)})`;
      }
      case 'null': {
        const spec = this.spec(node.field);
        if (spec.type === 'set') return node.negated ? this.setMembers(spec, null) : sql`(NOT ${this.setMembers(spec, null)})`;
        return sql`(${spec.sql(this.ctx, node.field)} ${sql.raw(node.negated ? 'IS NOT NULL' : 'IS NULL')})`;
      }
      case 'compare': {
        const spec = this.spec(node.field);
        if (!COMPARISONS.includes(node.op)) throw new Error(`unchecked operator ${String(node.op)}`);
        const op = sql.raw(node.op === '!=' ? '<>' : node.op);
        const value = this.bind(spec, node.value);
        if (spec.type === 'set') {
          const has = this.setMembers(spec, sql`s.item = ${value}`);
          return node.op === '=' ? has : sql`(NOT ${has})`;
        }
        const expr = spec.sql(this.ctx, node.field);
        return sql`(${spec.type === 'trait' ? this.traitExpr(expr, [node.value]) : expr} ${op} ${value})`;
      }
      case 'in': {
        const spec = this.spec(node.field);
        const list = sql.join(node.values.map((v) => this.bind(spec, v)));
        if (spec.type === 'set') return this.setMembers(spec, sql`s.item IN (${list})`);
        if (spec.type === 'trait' && !node.values.every((v) => typeof v === 'number')) {
          return sql`(${spec.sql(this.ctx, node.field)} IN (${sql.join(node.values.map((v) => sql`${String(v)}`))}))`;
        }
        const expr = spec.sql(this.ctx, node.field);
        return sql`(${spec.type === 'trait' ? this.traitExpr(expr, node.values) : expr} IN (${list}))`;
      }
      case 'contacted_within':
        return contactedSince(new Date(this.ctx.asOf.getTime() - node.amount * UNIT_MS[node.unit]), node.channel);
    }
  }
}

/** Checks then compiles; throws AudienceFilterError naming where the definition is wrong. */
export function compileFilter(tree: AudienceFilter, ctx: CompileContext, source: Source = {}): CompiledFilter {
  checkFilter(tree, source);
  const compiler = new Compiler(ctx);
  const where = compiler.compile(tree);
  return { where, profiles: compiler.profiles };
}

/** The audience's FROM: every person of customer_classes, with his declared data when needed. */
export function audienceFrom(compiled: CompiledFilter): Sql {
  return compiled.profiles ? sql`customer_classes AS c LEFT JOIN person_profiles AS p ON p.person_id = c.person_id` : sql`customer_classes AS c`;
}
