"""Flask extensions, created unbound and initialised in create_app(): `db` (Flask-SQLAlchemy, on the
models' base fairapp.modelbase.Base), migrations, sign-in, CSRF, translations, rate limits, response
compression."""

from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from fairapp import ratelimits  # noqa: F401  (registers the fairapp-sqlite:// storage)
from fairapp.modelbase import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
compress = Compress()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
