/*
 * ScannerDevice: how a scanner page (gate or booth) talks to the API.
 *
 * This browser registers itself once as a scanner device (POST /api/v1/devices, with the session
 * cookie and the page's CSRF token) and keeps the device's id and token in ScannerStore. The scanner's
 * API requests then carry that token alone (Authorization: Bearer, no cookie), so they keep working
 * through a day offline whatever becomes of the session; page requests (search, manual check-in) go
 * with the session cookie and X-CSRFToken.
 *
 *   var api = ScannerDevice.client({ devicesUrl: "/api/v1/devices", name: "Scanner", csrfToken: "…" });
 *   api.call(method, url, body, asDevice)  → Promise of {status, json}; rejects only when the server
 *                                            could not be reached
 *   api.asDevice(method, url, body)        → the same as this device, registered first if needed;
 *                                            {status: 401} when it cannot be
 *   api.ensureDevice()                     → Promise of the device id, or null
 *   api.errorCode(answer)                  → the answer's error code, or null
 *   api.reachable()                        → whether the last request reached the server
 */
(function () {
  "use strict";

  function errorCode(answer) {
    return answer && answer.json && answer.json.error ? answer.json.error.code : null;
  }

  function client(options) {
    var store = window.ScannerStore;
    var state = { reachable: true, registering: null };

    function headers(withBody, asDevice) {
      var result = { "Accept": "application/json" };
      if (withBody) { result["Content-Type"] = "application/json"; }
      if (asDevice) {
        result["Authorization"] = "Bearer " + store.deviceToken();
      } else {
        result["X-CSRFToken"] = options.csrfToken || "";
      }
      return result;
    }

    function call(method, url, body, asDevice) {
      return fetch(url, {
        method: method, headers: headers(body !== undefined, asDevice),
        credentials: asDevice ? "omit" : "same-origin", cache: "no-store",
        body: body === undefined ? undefined : JSON.stringify(body)
      }).then(function (response) {
        state.reachable = true;
        var type = response.headers.get("Content-Type") || "";
        var parsed = type.indexOf("json") >= 0 ? response.json().catch(function () { return null; })
          : Promise.resolve(null);
        return parsed.then(function (json) {
          // A page instead of JSON: the session ended and we were sent to the sign-in page.
          return { status: response.redirected && !json ? 401 : response.status, json: json };
        });
      }, function (error) {
        state.reachable = false;
        throw error;
      });
    }

    function ensureDevice() {
      if (store.deviceId() && store.deviceToken()) { return Promise.resolve(store.deviceId()); }
      if (state.registering) { return state.registering; }
      var platform = (navigator.userAgentData && navigator.userAgentData.platform) || navigator.platform || "";
      state.registering = call("POST", options.devicesUrl, { name: ((options.name || "Scanner") + " " + platform).trim() })
        .then(function (answer) {
          var id = answer.json && answer.json.device_id;
          var token = answer.json && answer.json.token;
          if (answer.status < 300 && id && token) { store.setDevice(id, token); return id; }
          return null;
        }).catch(function () { return null; })
        .then(function (id) { state.registering = null; return id; });
      return state.registering;
    }

    function asDevice(method, url, body) {
      return ensureDevice().then(function (deviceId) {
        if (!deviceId) { return { status: 401, json: null }; }
        return call(method, url, body, true).then(function (answer) {
          // Refused, not for a device reason: its user was signed out everywhere, or deactivated.
          var code = errorCode(answer);
          if (answer.status === 401 && (!code || code === "unauthorized")) { store.setDevice(null); }
          return answer;
        });
      });
    }

    return {
      call: call,
      asDevice: asDevice,
      ensureDevice: ensureDevice,
      errorCode: errorCode,
      reachable: function () { return state.reachable; },
      setReachable: function (value) { state.reachable = value; }
    };
  }

  window.ScannerDevice = { client: client, errorCode: errorCode };
}());
