/* The client scenarios run in headless Chromium against the real add-in server (same origin), on the fake
 * Office.js model of fake-office.js.  Results go into <pre id="out"> as JSON for the Python test to read.
 * The page sets TEST_ROWS (a customer table, header on row 3) before loading this file. */
"use strict";

(async function () {
  const origin = window.location.origin;
  const client = window.tierkitClient;
  const out = {};
  const sheets = () => ({ Customers: window.TEST_ROWS });
  const promptOf = (url) => new URL(url).searchParams.get("prompt");

  async function read(selection) {
    fakeExcel.reset(sheets(), selection);
    let book;
    try {
      await Excel.run(async (context) => {
        book = await client.readBook(context);
      });
    } catch (err) {
      return "crashed: " + String(err.message || err);
    }
    return book.book.selection;
  }

  async function explain(selection) {
    fakeExcel.reset(sheets(), selection);
    try {
      await client.runScript(origin, "explain_selection", ["mini", "en"]);
    } catch (err) {
      return { crashed: String(err.message || err), ops: fakeExcel.ops };
    }
    return { prompts: fakeExcel.dialogs.map(promptOf), ops: fakeExcel.ops };
  }

  async function apply(actions) {
    fakeExcel.reset(sheets(), "Customers!A1");
    try {
      await Excel.run(async (context) => client.applyActions(context, actions));
      return { error: null, ops: fakeExcel.ops };
    } catch (err) {
      return { error: String(err.message || err), ops: fakeExcel.ops };
    }
  }

  const box = (extra) => Object.assign(
    { args: [null], values: null, sheet_position: 0, start_row: 2, start_column: 5, row_count: 1, column_count: 2 },
    extra,
  );
  const good = box({ func: "setValues", values: [["Tier", "Tier ID"]] });

  try {
    out.selection = {
      shape: await read("shape"),
      cell: await read("Customers!$B$6"),
      block: await read("Customers!$A$2:$C$9"),
      empty: await read(""),
    };
    out.explainShape = await explain("shape");
    out.explainCell = await explain("Customers!$B$6");

    fakeExcel.reset(sheets(), "shape");
    try {
      const summary = await client.runScript(origin, "apply_rules", ["mini", "en"]);
      out.applyRules = { rows: summary && summary.rows, ops: fakeExcel.ops, dialogs: fakeExcel.dialogs.length };
    } catch (err) {
      out.applyRules = { crashed: String(err.message || err), ops: fakeExcel.ops };
    }

    const bad = {
      unknownKind: [good, { func: "deleteSheet", args: [0] }],
      prototypeKind: [good, { func: "__proto__", args: [] }],
      noKind: [good, { args: [] }],
      notAList: { func: "alert", args: ["x"] },
      rowsMismatch: [good, box({ func: "setValues", row_count: 2, values: [["a", "b"]] })],
      ragged: [good, box({ func: "setValues", values: [["a"]] })],
      objectCell: [good, box({ func: "setValues", values: [["a", { formula: "=1" }]] })],
      tooLongText: [good, box({ func: "setValues", values: [["a", "x".repeat(40000)]] })],
      noSuchSheet: [good, box({ func: "setValues", sheet_position: 3, values: [["a", "b"]] })],
      negativeRow: [good, box({ func: "setValues", start_row: -1, values: [["a", "b"]] })],
      pastLastRow: [good, box({ func: "setAutofit", args: ["columns"], start_row: 1048576 })],
      badColour: [good, box({ func: "setRangeColor", args: ["red; background: url(x)"] })],
      badColours: [good, box({ func: "setRangeColors", args: [[["#123456", "blue"]]] })],
      badSheetName: [good, { func: "addSheet", args: [1, "a/b"] }],
      badSheetPlace: [good, { func: "addSheet", args: [5, "Tier summary"] }],
      badActivate: [good, { func: "activateSheet", args: [1] }],
      badAutofit: [good, box({ func: "setAutofit", args: ["everything"] })],
      badAlert: [good, { func: "alert", args: [{ html: "<b>" }, "t", "ok"] }],
    };
    out.bad = {};
    for (const [name, actions] of Object.entries(bad)) out.bad[name] = await apply(actions);

    out.good = await apply([
      good,
      box({ func: "setRangeColors", args: [[["#1b5e20", "keep"]]] }),
      box({ func: "setRangeColor", args: ["#abc"] }),
      { func: "addSheet", args: [1, "Tier summary"] },
      box({ func: "setValues", sheet_position: 1, start_row: 0, start_column: 0, values: [["a", 1]] }),
      box({ func: "setRangeColor", sheet_position: 1, start_row: 0, start_column: 0, args: ["#c62828"] }),
      box({ func: "setAutofit", sheet_position: 1, start_row: 0, start_column: 0, args: ["columns"] }),
      { func: "activateSheet", args: [0] },
      { func: "alert", args: ["done", "tierkit", "ok", "", ""] },
    ]);

    // the whole path: a response with one unknown action among good ones changes nothing
    fakeExcel.reset(sheets(), "Customers!A1");
    const realFetch = window.fetch;
    window.fetch = async () =>
      new Response(JSON.stringify({ actions: [good, { func: "runMacro", args: ["evil"] }] }), {
        status: 200,
        headers: { "Content-Type": "application/json" },
      });
    try {
      await client.runScript(origin, "apply_rules", ["mini", "en"]);
      out.stubbed = { error: null, ops: fakeExcel.ops };
    } catch (err) {
      out.stubbed = { error: String(err.message || err), ops: fakeExcel.ops };
    } finally {
      window.fetch = realFetch;
    }
  } catch (err) {
    out.crash = String((err && err.stack) || err);
  }
  document.getElementById("out").textContent = JSON.stringify(out);
})();
