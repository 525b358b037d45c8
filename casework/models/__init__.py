from .base import *  # noqa: F401,F403
from .reference import *  # noqa: F401,F403
from .parties import *  # noqa: F401,F403
from .complaints import *  # noqa: F401,F403
from .deadlines import *  # noqa: F401,F403
from .projects import *  # noqa: F401,F403
from .jobs import *  # noqa: F401,F403
from .campaigns import *  # noqa: F401,F403
