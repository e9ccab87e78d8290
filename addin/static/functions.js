/* tierkit custom functions: each TIERKIT.* call is posted to the tierkit add-in server, which runs it
 * through xlwings.server.custom_functions_call.  Served by `tierkit serve` at
 * /xlwings/custom-functions-code with the server's URL filled in and the CustomFunctions.associate calls
 * appended.  Loaded by the task pane page (shared runtime); outside Excel it defines functions only. */
"use strict";

const TIERKIT_CALL_URL = {{call_url}};

async function tierkitCall(name, argList) {
  const args = Array.prototype.slice.call(argList);
  // With requiresAddress, Excel passes an Invocation object last.
  const last = args.length ? args[args.length - 1] : null;
  const invocation = last && typeof last === "object" && !Array.isArray(last) && "address" in last ? args.pop() : null;
  const body = {
    client: "Office.js",
    version: "{{xlwings_version}}",
    runtime: "1.1", // plain numbers and strings back: dates as serials, errors as text
    func_name: name,
    // omitted optional arguments arrive as null/undefined; blank cells as "" (parameters are type "any")
    args: args.map((a) => (a === undefined ? null : a)),
    caller_address: invocation && invocation.address ? invocation.address : "",
    culture_info_name: "",
    date_format: null,
  };
  try {
    const response = await fetch(TIERKIT_CALL_URL, {
      method: "POST",
      headers: globalThis.tierkitAuth ? await globalThis.tierkitAuth.headers() : { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (response.status === 401) {
      return [["tierkit: this server needs its access token: open the tierkit task pane and enter it"]];
    }
    if (!response.ok) {
      let detail = response.statusText;
      try {
        detail = (await response.json()).detail || detail;
      } catch (e) {
        /* not JSON */
      }
      return [["tierkit: server error " + response.status + ": " + detail]];
    }
    return (await response.json()).result;
  } catch (err) {
    return [["tierkit: cannot reach the tierkit server (is `tierkit serve` running?)"]];
  }
}
