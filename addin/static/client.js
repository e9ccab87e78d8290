/* tierkit's Office.js client for the buttons: sends the workbook to the tierkit server as an xlwings
 * book payload (the format xlwings.Book(json=...) reads) and applies the actions xlwings sends back
 * (setValues, setRangeColor(s), addSheet, sheetClear(Contents), setAutofit, activateSheet, alert).
 * Only what tierkit's scripts use is implemented.  When nothing suitable is selected (a shape or chart,
 * several areas) the selection is sent as null, as xlwings' own client does.  The actions a response
 * carries are all checked (known kind, argument shapes) before any is applied: one unknown or malformed
 * action changes nothing in the workbook. */
"use strict";

(function (global) {
  const OWN_SHEETS = ["tier summary", "tier check"]; // rewritten by the scripts: their values are not sent
  const CHUNK_ROWS = 5000;

  function stripSheet(address) {
    const i = address.lastIndexOf("!");
    return (i >= 0 ? address.slice(i + 1) : address).replace(/\$/g, "");
  }

  /** The selected cells' address without the sheet ("B6", "A2:C9"), or null when nothing suitable is
   * selected: Excel refuses getSelectedRange for a shape, a chart or several areas. */
  async function selectedAddress(context) {
    let range;
    try {
      range = context.workbook.getSelectedRange();
      range.load("address");
      await context.sync();
    } catch (e) {
      return null;
    }
    const address = typeof range.address === "string" ? stripSheet(range.address) : "";
    return address || null;
  }

  async function readBook(context) {
    const workbook = context.workbook;
    workbook.load("name");
    const sheets = workbook.worksheets;
    sheets.load("items/name");
    const active = sheets.getActiveWorksheet();
    active.load("name");
    await context.sync();
    const selection = await selectedAddress(context);
    const used = sheets.items.map((ws) =>
      OWN_SHEETS.includes(ws.name.toLowerCase()) ? null : ws.getUsedRangeOrNullObject(true)
    );
    used.forEach((u) => u && u.load("rowIndex,columnIndex,rowCount,columnCount"));
    await context.sync();
    const ranges = sheets.items.map((ws, k) => {
      const u = used[k];
      if (!u || u.isNullObject) return null;
      const r = ws.getRangeByIndexes(0, 0, u.rowIndex + u.rowCount, u.columnIndex + u.columnCount);
      r.load("values");
      return r;
    });
    await context.sync();
    return {
      client: "Office.js",
      version: global.tierkitXlwingsVersion || "",
      book: {
        name: workbook.name,
        active_sheet_index: sheets.items.findIndex((ws) => ws.name === active.name),
        selection: selection,
      },
      names: [],
      sheets: sheets.items.map((ws, k) => ({
        name: ws.name,
        values: ranges[k] ? ranges[k].values : [[""]],
        pictures: [],
        tables: [],
        charts: [],
        shapes: [],
        notes: [],
      })),
    };
  }

  function rangeOf(context, names, a) {
    return context.workbook.worksheets
      .getItem(names[a.sheet_position])
      .getRangeByIndexes(a.start_row, a.start_column, a.row_count, a.column_count);
  }

  const alerts = [];

  const handlers = {
    async setValues(context, names, a) {
      const ws = context.workbook.worksheets.getItem(names[a.sheet_position]);
      for (let i = 0; i < a.values.length; i += CHUNK_ROWS) {
        const rows = a.values.slice(i, i + CHUNK_ROWS);
        ws.getRangeByIndexes(a.start_row + i, a.start_column, rows.length, a.column_count).values = rows;
        await context.sync();
      }
    },
    setRangeColor(context, names, a) {
      const r = rangeOf(context, names, a);
      if (a.args[0]) r.format.fill.color = a.args[0];
      else r.format.fill.clear();
    },
    async setRangeColors(context, names, a) {
      // one column of colours: fill runs of equal colour with one call each
      const ws = context.workbook.worksheets.getItem(names[a.sheet_position]);
      const m = a.args[0];
      for (let c = 0; c < a.column_count; c++) {
        let start = 0;
        for (let i = 1; i <= m.length; i++) {
          if (i === m.length || m[i][c] !== m[start][c]) {
            const color = m[start][c];
            if (color !== "keep") {
              const r = ws.getRangeByIndexes(a.start_row + start, a.start_column + c, i - start, 1);
              if (color) r.format.fill.color = color;
              else r.format.fill.clear();
            }
            start = i;
          }
        }
      }
      await context.sync();
    },
    addSheet(context, names, a) {
      const ws = context.workbook.worksheets.add(a.args[1]);
      ws.position = a.args[0];
      names.splice(a.args[0], 0, a.args[1]);
    },
    sheetClear(context, names, a) {
      context.workbook.worksheets.getItem(names[a.sheet_position]).getRange().clear();
    },
    sheetClearContents(context, names, a) {
      context.workbook.worksheets.getItem(names[a.sheet_position]).getRange().clear("Contents");
    },
    setAutofit(context, names, a) {
      const r = rangeOf(context, names, a);
      if (a.args[0] === "rows") r.format.autofitRows();
      else r.format.autofitColumns();
    },
    activateSheet(context, names, a) {
      context.workbook.worksheets.getItem(names[a.args[0]]).activate();
    },
    alert(context, names, a) {
      alerts.push({ prompt: a.args[0], title: a.args[1], buttons: a.args[2] || "ok" });
    },
  };

  function showAlert(origin, alert) {
    const query = new URLSearchParams({
      prompt: alert.prompt,
      title: alert.title || "tierkit",
      buttons: alert.buttons,
      mode: "info",
      callback: "",
    });
    return new Promise((resolve) => {
      Office.context.ui.displayDialogAsync(
        origin + "/xlwings/alert?" + query.toString(),
        { height: 40, width: 40, displayInIframe: true },
        (result) => {
          if (result.status !== Office.AsyncResultStatus.Succeeded) return resolve();
          const dialog = result.value;
          dialog.addEventHandler(Office.EventType.DialogMessageReceived, () => {
            dialog.close();
            resolve();
          });
          dialog.addEventHandler(Office.EventType.DialogEventReceived, () => resolve());
        }
      );
    });
  }

  // ------------------------------------------------------------------ checking actions before applying any
  const MAX_ROWS = 1048576;
  const MAX_COLUMNS = 16384;
  const MAX_TEXT = 32767; // Excel's limit per cell: a longer text would fail halfway through the writes
  const BUTTONS = ["ok", "ok_cancel", "yes_no", "yes_no_cancel"];
  const COLOR = /^#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$/; // as rule files allow: #RRGGBB or #RGB

  const isIndex = (v) => Number.isInteger(v) && v >= 0;
  const isCount = (v) => Number.isInteger(v) && v >= 1;
  const isText = (v, max) => typeof v === "string" && v.length <= max;
  const isCell = (v) =>
    v === null || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v)) || isText(v, MAX_TEXT);
  const isColor = (v) => v === null || v === "" || (typeof v === "string" && COLOR.test(v));
  const isMatrix = (m, rows, cols, cell) =>
    Array.isArray(m) && m.length === rows && m.every((r) => Array.isArray(r) && r.length === cols && r.every(cell));
  const isSheetName = (v) => typeof v === "string" && v.length >= 1 && v.length <= 31 && !/[\[\]:*?\/\\]/.test(v);
  const hasArgs = (a, n) => Array.isArray(a.args) && a.args.length >= n;
  const onSheet = (a, sheets) => isIndex(a.sheet_position) && a.sheet_position < sheets;
  const isRange = (a, sheets) =>
    onSheet(a, sheets) &&
    isIndex(a.start_row) && isIndex(a.start_column) && isCount(a.row_count) && isCount(a.column_count) &&
    a.start_row + a.row_count <= MAX_ROWS && a.start_column + a.column_count <= MAX_COLUMNS;

  /** Per action kind: is this action well-formed, with ``sheets`` sheets in the workbook at that point? */
  const checks = {
    setValues: (a, sheets) => isRange(a, sheets) && isMatrix(a.values, a.row_count, a.column_count, isCell),
    setRangeColor: (a, sheets) => isRange(a, sheets) && hasArgs(a, 1) && isColor(a.args[0]),
    setRangeColors: (a, sheets) =>
      isRange(a, sheets) && hasArgs(a, 1) &&
      isMatrix(a.args[0], a.row_count, a.column_count, (c) => c === "keep" || isColor(c)),
    addSheet: (a, sheets) => hasArgs(a, 2) && isIndex(a.args[0]) && a.args[0] <= sheets && isSheetName(a.args[1]),
    sheetClear: (a, sheets) => onSheet(a, sheets),
    sheetClearContents: (a, sheets) => onSheet(a, sheets),
    setAutofit: (a, sheets) => isRange(a, sheets) && hasArgs(a, 1) && (a.args[0] === "rows" || a.args[0] === "columns"),
    activateSheet: (a, sheets) => hasArgs(a, 1) && isIndex(a.args[0]) && a.args[0] < sheets,
    alert: (a) =>
      hasArgs(a, 1) && isText(a.args[0], MAX_TEXT) && (a.args[1] == null || isText(a.args[1], 200)) &&
      (a.args[2] == null || a.args[2] === "" || BUTTONS.includes(a.args[2])),
  };

  /** Throws (one line) unless every action is of a known kind with well-formed arguments, before any is applied. */
  function checkActions(actions, sheets) {
    const refuse = (what) => new Error("tierkit client: " + what + "; nothing was changed");
    if (!Array.isArray(actions)) throw refuse("the server's answer holds no list of actions");
    actions.forEach((a, i) => {
      const kind = a && typeof a.func === "string" ? a.func : String(a && a.func);
      const check = Object.prototype.hasOwnProperty.call(checks, kind) ? checks[kind] : null;
      if (!check) {
        throw refuse("unknown action '" + kind.slice(0, 40) + "' (action " + (i + 1) + ")");
      }
      if (!check(a, sheets)) {
        throw refuse("malformed action '" + kind + "' (action " + (i + 1) + ")");
      }
      if (kind === "addSheet") sheets += 1;
    });
  }

  async function applyActions(context, actions) {
    const sheets = context.workbook.worksheets;
    sheets.load("items/name");
    await context.sync();
    const names = sheets.items.map((ws) => ws.name);
    checkActions(actions, names.length);
    for (const a of actions) await handlers[a.func](context, names, a);
    await context.sync();
  }

  /** The server's access token (tierkit serve with TIERKIT_TOKEN): asked for once in the task pane and kept in
   * OfficeRuntime.storage (shared with the custom functions), localStorage where that is missing; never in
   * the workbook. */
  const TOKEN_KEY = "tierkit.token";
  const auth = {
    async get() {
      try {
        if (typeof OfficeRuntime !== "undefined" && OfficeRuntime.storage) {
          const token = await OfficeRuntime.storage.getItem(TOKEN_KEY);
          if (token) return token;
        }
      } catch (e) {
        /* no OfficeRuntime storage here */
      }
      try {
        return localStorage.getItem(TOKEN_KEY);
      } catch (e) {
        return null;
      }
    },
    async set(token) {
      try {
        if (typeof OfficeRuntime !== "undefined" && OfficeRuntime.storage) {
          await OfficeRuntime.storage.setItem(TOKEN_KEY, token);
        }
      } catch (e) {
        /* fall back to localStorage only */
      }
      try {
        localStorage.setItem(TOKEN_KEY, token);
      } catch (e) {
        /* private mode */
      }
    },
    /** Headers for an API request: JSON, and the bearer token once one was entered. */
    async headers() {
      const headers = { "Content-Type": "application/json" };
      const token = await auth.get();
      if (token) headers.Authorization = "Bearer " + token;
      return headers;
    },
  };
  global.tierkitAuth = auth;

  /** Run a tierkit script (apply_rules, check_rules, explain_selection); resolves to its summary. */
  async function runScript(origin, name, args) {
    let summary = null;
    await Excel.run(async (context) => {
      const book = await readBook(context);
      const response = await fetch(origin + "/xlwings/custom-scripts-call/" + encodeURIComponent(name), {
        method: "POST",
        headers: await auth.headers(),
        body: JSON.stringify({ book: book, args: args }),
      });
      if (response.status === 401) global.dispatchEvent(new Event("tierkit-token-needed"));
      if (!response.ok) {
        let detail = response.statusText;
        try {
          detail = (await response.json()).detail || detail;
        } catch (e) {
          /* not JSON */
        }
        throw new Error(response.status === 401 ? detail : "tierkit server error " + response.status + ": " + detail);
      }
      const data = await response.json();
      alerts.length = 0;
      await applyActions(context, data.actions === undefined ? [] : data.actions);
      summary = data.tierkit || null;
    });
    for (const alert of alerts.splice(0)) await showAlert(origin, alert);
    return summary;
  }

  global.tierkitClient = { runScript, readBook, applyActions, checkActions };
})(globalThis);
