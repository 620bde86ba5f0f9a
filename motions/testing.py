"""The permission matrix's motion objects for one side of its world (congress/testing/matrix.py)."""

from representatives.models import User

from . import services
from .models import Motion


def build_side(side, year: int, scoped: str, private: str) -> None:
    """The side's deputy leads a registered motion seconded by the side's other deputy; a second motion of the
    side is decided (listed), for the public pages; the other deputy's draft invites the side's deputy to second
    it. The side's congress asks for one co-signer (its office's rule)."""
    co_user = User.objects.get(deputy=side.co_deputy)
    rule = services.motion_rule_set(congress=side.congress, by=side.staff, min_cosigners=1)

    def seconded(title: str) -> Motion:
        motion = services.motion_create(
            deputy=side.deputy,
            congress=side.congress,
            by=side.deputy_user,
            title=f"{scoped}{title}",
            grounds=f"{private}案据",
            proposal=f"{private}方案",
        )
        services.motion_invite(motion=motion, deputies=[side.co_deputy], by=side.deputy_user)
        services.motion_cosign_respond(cosigner=motion.cosigners.get(), by=co_user, accept=True)
        motion = services.motion_submit(motion=motion, by=side.deputy_user)
        return services.motion_register(motion=motion, by=side.staff)

    side.motion = seconded("议案")
    side.public_motion = services.motion_list(
        motion=seconded("列入议程的议案"), by=side.staff, body=Motion.Body.PRESIDIUM, session="第一次会议"
    )
    draft = services.motion_create(
        deputy=side.co_deputy,
        congress=side.congress,
        by=co_user,
        title=f"{scoped}邀请附议的议案",
        grounds=f"{private}案据",
        proposal=f"{private}方案",
    )
    services.motion_invite(motion=draft, deputies=[side.deputy], by=co_user)
    side.motion_cosigner = draft.cosigners.get(deputy=side.deputy)
    side.owned.update(
        {
            "motions.Motion": side.motion,
            "motions.MotionCoSigner": side.motion.cosigners.get(),
            "motions.MotionRule": rule,
        }
    )
