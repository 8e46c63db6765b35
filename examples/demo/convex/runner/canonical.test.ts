import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { jsonToConvex } from "convex/values";
import { formatFloat, printValue, quoteString } from "./canonical";

const here = dirname(fileURLToPath(import.meta.url));
const vectorsPath =
  process.env.CONVEX_VALUE_VECTORS ??
  // The repository's copy (the Go client's tests read the same file).
  join(here, "..", "..", "..", "..", "convexclient", "testdata", "convex-value-vectors.json");

type Vector = {
  description: string;
  json: unknown;
  valid?: boolean;
  backend_text_convex_encoded_json?: string;
  backend_text_json_format?: string;
};

test("backend_text_* vectors", () => {
  const vectors = JSON.parse(readFileSync(vectorsPath, "utf8")) as Vector[];
  let checked = 0;
  for (const vec of vectors) {
    if (
      vec.valid === false ||
      vec.backend_text_convex_encoded_json === undefined
    )
      continue;
    const value = jsonToConvex(vec.json as any);
    assert.equal(
      printValue(value, "convex_encoded_json"),
      vec.backend_text_convex_encoded_json,
      vec.description,
    );
    if (vec.backend_text_json_format !== undefined) {
      assert.equal(
        printValue(value, "json"),
        vec.backend_text_json_format,
        vec.description + " (json)",
      );
    }
    checked++;
  }
  assert.ok(checked >= 30, `only ${checked} vectors checked`);
});

test("formatFloat follows ryu pretty rules", () => {
  const cases: [number, string][] = [
    [0, "0.0"],
    [-0, "-0.0"],
    [1, "1.0"],
    [42, "42.0"],
    [-2.5, "-2.5"],
    [0.1, "0.1"],
    [1e15, "1000000000000000.0"],
    [9007199254740994, "9007199254740994.0"],
    [1e16, "1e16"],
    [1.5e16, "1.5e16"],
    [123456789012345680000, "1.2345678901234568e20"],
    [1e21, "1e21"],
    [1767225600000, "1767225600000.0"],
    [1767225600000.001, "1767225600000.001"],
    [0.001, "0.001"],
    [1.5e-5, "0.000015"],
    [1e-5, "0.00001"],
    [1.5e-6, "1.5e-6"],
    [0.000123456789, "0.000123456789"],
    [1e-6, "1e-6"],
    [1.5e-7, "1.5e-7"],
    [5e-324, "5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e308"],
    [-1.25e-10, "-1.25e-10"],
    [123.456, "123.456"],
    [1234567890123456.7, "1234567890123456.8"],
  ];
  for (const [x, want] of cases) {
    assert.equal(formatFloat(x), want, String(x));
  }
});

test("quoteString escapes like serde_json", () => {
  assert.equal(quoteString('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(
    quoteString("\n\t\r\b\f\u0001\u001f"),
    '"\\n\\t\\r\\b\\f\\u0001\\u001f"',
  );
  assert.equal(quoteString("<>&é😀\u007f"), '"<>&é😀\u007f"');
});

test("printValue sorts keys and drops undefined", () => {
  assert.equal(
    printValue({ b: 1, a: undefined, B: [1n, null] }),
    '{"B":[{"$integer":"AQAAAAAAAAA="},null],"b":1.0}',
  );
  assert.equal(
    printValue({ n: 5n, f: NaN, x: new Uint8Array([1, 2]).buffer }, "json"),
    '{"f":"NaN","n":"5","x":"AQI="}',
  );
  assert.equal(
    printValue({ n: 5n, f: -Infinity }, "export_json"),
    '{"f":{"$float":"AAAAAAAA8P8="},"n":5}',
  );
});
