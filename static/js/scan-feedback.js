/*
 * ScanFeedback: the sound and vibration of a scan's answer, for the scanner pages.
 *
 *   ScanFeedback.signal("green" | "amber" | "red")
 *
 * Browsers play sound and vibrate only after the person touched the page: the audio is unlocked on
 * the first tap or key press, and the signal stays silent until then.
 */
(function () {
  "use strict";

  var audio = null;

  function unlockAudio() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) {
      try { audio = new Context(); } catch (error) { audio = null; }
    }
    if (audio && audio.state === "suspended") { audio.resume().catch(function () {}); }
  }
  document.addEventListener("pointerdown", unlockAudio, true);
  document.addEventListener("keydown", unlockAudio, true);

  function beep(colour) {
    if (!audio || audio.state !== "running") { return; }
    var tones = colour === "green" ? [[880, 0, 0.12]]
      : colour === "amber" ? [[520, 0, 0.1], [520, 0.16, 0.1]] : [[200, 0, 0.45]];
    tones.forEach(function (tone) {
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      oscillator.type = colour === "red" ? "square" : "sine";
      oscillator.frequency.value = tone[0];
      gain.gain.value = 0.25;
      oscillator.connect(gain);
      gain.connect(audio.destination);
      var start = audio.currentTime + tone[1];
      oscillator.start(start);
      oscillator.stop(start + tone[2]);
    });
  }

  function vibrate(colour) {
    var active = navigator.userActivation ? navigator.userActivation.hasBeenActive : false;
    if (!navigator.vibrate || !active) { return; }
    navigator.vibrate(colour === "green" ? 80 : colour === "amber" ? [80, 60, 80] : [300]);
  }

  window.ScanFeedback = {
    signal: function (colour) {
      beep(colour);
      vibrate(colour);
    }
  };
}());
