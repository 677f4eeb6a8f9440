import { ConvexError } from "convex/values";

// A small structural checker for Clerk payloads. Convex's v.object refuses
// unknown fields, and Clerk adds fields over API versions, so the functions
// take v.any() and check the shapes here instead: the fields a shape names
// must have their type (null only where a source allows it, missing only
// where no source requires them); every other field is tolerated and ignored.

/** One field's type; `optional()` and `nullable()` widen it. */
export type Spec = {
  readonly describe: string;
  readonly optional: boolean;
  readonly nullable: boolean;
  /** The first problem at `path`, or undefined. `value` is neither undefined nor null here. */
  readonly problem: (value: unknown, path: string) => string | undefined;
  optionalField(): Spec;
  nullableField(): Spec;
};

export type Shape = Readonly<Record<string, Spec>>;

function spec(describe: string, problem: Spec["problem"], optional = false, nullable = false): Spec {
  return {
    describe,
    optional,
    nullable,
    problem,
    optionalField: () => spec(describe, problem, true, nullable),
    nullableField: () => spec(describe, problem, optional, true),
  };
}

const simple = (describe: string, is: (value: unknown) => boolean) =>
  spec(describe, (value, path) => (is(value) ? undefined : `${path} must be ${describe}`));

export const string = () => simple("a string", (value) => typeof value === "string");
export const number = () => simple("a number", (value) => typeof value === "number" && Number.isFinite(value));
export const boolean = () => simple("a boolean", (value) => typeof value === "boolean");
/** An object whose own fields are not checked (metadata). */
export const anyObject = () => simple("an object", isObject);

export const object = (shape: Shape) =>
  spec("an object", (value, path) => (isObject(value) ? shapeProblem(shape, value, path) : `${path} must be an object`));

export const array = (of: Spec) =>
  spec(`an array of ${of.describe}`, (value, path) => {
    if (!Array.isArray(value)) return `${path} must be an array`;
    for (let i = 0; i < value.length; i++) {
      const problem = fieldProblem(of, value[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  });

/** The first of the specs a value satisfies; else the problems against each, named. */
export const oneOf = (alternatives: Record<string, Spec>) =>
  spec(Object.keys(alternatives).join(" or "), (value, path) => {
    const problems: string[] = [];
    for (const [name, alternative] of Object.entries(alternatives)) {
      const problem = fieldProblem(alternative, value, path);
      if (!problem) return undefined;
      problems.push(`as ${name}: ${problem}`);
    }
    return problems.join("; ");
  });

function fieldProblem(field: Spec, value: unknown, path: string): string | undefined {
  if (value === undefined) return field.optional ? undefined : `${path} is missing`;
  if (value === null) return field.nullable ? undefined : `${path} must not be null`;
  return field.problem(value, path);
}

function shapeProblem(shape: Shape, value: Record<string, unknown>, path: string): string | undefined {
  for (const [key, field] of Object.entries(shape)) {
    const problem = fieldProblem(field, value[key], `${path}.${key}`);
    if (problem) return problem;
  }
  return undefined;
}

/** The value as a record when it has the shape (an object shape or a spec); else a ConvexError naming the first problem. */
export function checkShape(shape: Shape | Spec, value: unknown, name: string): Record<string, unknown> {
  const problem = problemOf(isSpec(shape) ? shape : object(shape), value, name);
  if (problem) throw new ConvexError(problem);
  return value as Record<string, unknown>;
}

/** The first problem a value has against a spec, or undefined. */
export function problemOf(field: Spec, value: unknown, path: string): string | undefined {
  return fieldProblem(field, value, path);
}

function isSpec(value: Shape | Spec): value is Spec {
  return typeof (value as Spec).problem === "function" && typeof (value as Spec).describe === "string";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
