// The producer's pure parts: PutRecords' request limits (500 records, 5 MiB with partition keys; 1 MiB a record) and
// the line checks that refuse a file before anything is sent.
import { batchRecords, MAX_BYTES_PER_REQUEST, MAX_RECORDS_PER_REQUEST, parseTicks, recordBytes } from "../../scripts/lib/kinesis-producer";

const record = (bytes: number, partitionKey = "AAPL") => ({ data: new Uint8Array(bytes), partitionKey });

describe("batchRecords", () => {
  it("cuts at 500 records", () => {
    const batches = batchRecords(Array.from({ length: 1001 }, () => record(10)));
    expect(batches.map((b) => b.length)).toEqual([500, 500, 1]);
    expect(MAX_RECORDS_PER_REQUEST).toBe(500);
  });

  it("cuts before 5 MiB, counting the partition keys", () => {
    // Records of exactly 1 MiB with their 4-byte keys: five fill 5 MiB, a sixth would pass it.
    const big = Array.from({ length: 6 }, () => record(1024 * 1024 - 4));
    expect(recordBytes(big[0])).toBe(1024 * 1024);
    const batches = batchRecords(big);
    expect(batches.map((b) => b.length)).toEqual([5, 1]);
    expect(batches[0].reduce((n, r) => n + recordBytes(r), 0)).toBeLessThanOrEqual(MAX_BYTES_PER_REQUEST);
  });

  it("keeps the records' order and loses none", () => {
    const records = Array.from({ length: 1203 }, (_, i) => record(1, `k${i}`));
    expect(batchRecords(records).flat()).toEqual(records);
  });
});

describe("parseTicks", () => {
  it("keys each non-blank line by the field, keeping its line number and bytes", () => {
    const text = '{"symbol":"AAPL","price":"1"}\n\n{"symbol":7,"price":"2"}\r\n';
    const records = parseTicks(text, "t.jsonl", "symbol");
    expect(records.map((r) => [r.line, r.partitionKey, Buffer.from(r.data).toString()])).toEqual([
      [1, "AAPL", '{"symbol":"AAPL","price":"1"}'],
      [3, "7", '{"symbol":7,"price":"2"}'],
    ]);
  });

  it.each([
    ["not an object", "[1,2]", /t\.jsonl line 1 is not a JSON object;/],
    ["without the key's value", '{"symbol":""}', /t\.jsonl line 1 has no "symbol" for the partition key;/],
    ["keyed too long", `{"symbol":"${"x".repeat(257)}"}`, /line 1 has a "symbol" longer than Kinesis's 256-character partition key;/],
    ["over 1 MiB", `{"symbol":"A","pad":"${"x".repeat(1024 * 1024)}"}`, /line 1 is larger than Kinesis's 1 MiB per record;/],
  ])("fails if a line is %s: one line, nothing parsed", (_label, line, message) => {
    expect(() => parseTicks(`${line}\n`, "t.jsonl", "symbol")).toThrow(message);
  });

  it("fails if the file has no records", () => {
    expect(() => parseTicks("\n \n", "t.jsonl", "symbol")).toThrow(/^t\.jsonl has no records; fix: one JSON object per line/);
  });
});
