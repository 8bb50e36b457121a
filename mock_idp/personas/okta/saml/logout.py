"""SLO: to be written."""


def slo(tenant, app):
    async def single_logout(request):
        from .errors import SamlError
        raise SamlError("Single logout is not served yet.", status_code=501)
    return single_logout
