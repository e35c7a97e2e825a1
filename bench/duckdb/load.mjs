// load.mjs CSV DB: creates the DuckDB database DB with a table deals from the
// deals CSV that `embudo export deals` wrote (run once, untimed).
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, db] = process.argv.slice(2);
const instance = await DuckDBInstance.create(db);
const conn = await instance.connect();
await conn.run(`CREATE OR REPLACE TABLE deals AS SELECT * FROM read_csv('${csv.replaceAll("'", "''")}', header = true)`);
conn.closeSync();
