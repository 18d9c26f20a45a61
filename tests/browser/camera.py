"""Chromium's fake camera for browser tests: a .y4m video of a QR code, and a page whose camera
plays it (in a Chromium of its own, because the fake-camera flags are global to the browser)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import qrcode
from PIL import Image

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, MOBILE, ConsoleErrors

WIDTH, HEIGHT = 640, 480


def write_y4m(path: Path, text: str, frames: int = 20) -> None:
    """A few seconds of the QR on a grey background, as uncompressed I420 YUV4MPEG2."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=4)
    code.add_data(text.encode("utf-8"))
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white").convert("RGB")
    side = min(HEIGHT - 40, image.width)
    image = image.resize((side, side), Image.NEAREST)
    frame = Image.new("RGB", (WIDTH, HEIGHT), (128, 128, 128))
    frame.paste(image, ((WIDTH - side) // 2, (HEIGHT - side) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    planes = (
        y.tobytes()
        + cb.resize((WIDTH // 2, HEIGHT // 2)).tobytes()
        + cr.resize((WIDTH // 2, HEIGHT // 2)).tobytes()
    )
    with path.open("wb") as file:
        file.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F30:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for _ in range(frames):
            file.write(b"FRAME\n" + planes)


def camera_page_playing(browser, live_url: str, video: Path) -> Iterator:
    """Yield a 360-px page whose rear camera shows `video`; close its browser afterwards."""
    if not Path(CHROMIUM).is_file():
        pytest.skip("chromium missing")
    camera_browser = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    context = camera_browser.new_context(
        base_url=live_url,
        viewport={"width": MOBILE[0], "height": MOBILE[1]},
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = ConsoleErrors()
    errors.watch(page)
    page.console_errors = errors
    yield page
    context.close()
    camera_browser.close()
