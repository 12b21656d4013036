// Prometheus histograms as a scraper reads them: cumulative buckets, +Inf, sum and count per series.
import { expect, test } from "bun:test";
import { Histogram } from "../../../src/metrics/registry.ts";

const lines = (h: Histogram) => h.render().split("\n").slice(2);

test("each bucket counts the observations at or below its bound; +Inf counts them all", () => {
  const h = new Histogram("t_seconds", "help", [0.1, 1, 10]);
  for (const v of [0.05, 0.1, 0.5, 1, 7, 50]) h.observe(v, 'route="/a"');
  expect(lines(h)).toEqual([
    't_seconds_bucket{route="/a",le="0.1"} 2',
    't_seconds_bucket{route="/a",le="1"} 4',
    't_seconds_bucket{route="/a",le="10"} 5',
    't_seconds_bucket{route="/a",le="+Inf"} 6',
    't_seconds_sum{route="/a"} 58.65',
    't_seconds_count{route="/a"} 6',
  ]);
});

test("series are kept apart, and a series without labels renders without braces", () => {
  const h = new Histogram("t", "help", [1]);
  h.observe(2, "");
  h.observe(0.5, 'x="1"');
  expect(lines(h)).toEqual([
    't_bucket{le="1"} 0',
    't_bucket{le="+Inf"} 1',
    "t_sum 2",
    "t_count 1",
    't_bucket{x="1",le="1"} 1',
    't_bucket{x="1",le="+Inf"} 1',
    't_sum{x="1"} 0.5',
    't_count{x="1"} 1',
  ]);
});
